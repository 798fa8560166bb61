#include "real/keeld/machine_identity.h"

#include <gtest/gtest.h>

namespace keel::real::keeld {
namespace {

TEST(MachineIdentity, UndeclaredCapacityIsTheHosts) {
  const Capacity host = host_capacity();
  EXPECT_GE(host.millicpus, 1000u);
  EXPECT_GT(host.memory_bytes, 64ull << 20);
  EXPECT_EQ(effective_capacity(Capacity{}, host), host);
  EXPECT_EQ(effective_capacity(Capacity{1500, 0}, host), (Capacity{1500, host.memory_bytes}));
  EXPECT_EQ(effective_capacity(Capacity{0, 1ull << 30}, host),
            (Capacity{host.millicpus, 1ull << 30}));
}

TEST(MachineIdentity, TheRecordCarriesNameAddressMetadataAndCapacity) {
  KeeldConfig config;
  config.name = "n2";
  config.advertise_ip = "10.1.2.3";
  config.metadata = {{"disk", "ssd"}};
  config.capacity = Capacity{2500, 8ull << 30};
  const fleet::AgentOptions options = machine_agent_options(config);
  EXPECT_EQ(options.presence.machine.id, "n2");
  EXPECT_EQ(options.presence.machine.ip, "10.1.2.3");
  EXPECT_EQ(options.presence.machine.metadata.at("disk"), "ssd");
  EXPECT_EQ(options.presence.machine.capacity.cpu_percent, 250u);
  EXPECT_EQ(options.presence.machine.capacity.memory_bytes, 8ull << 30);
}

}  // namespace
}  // namespace keel::real::keeld
