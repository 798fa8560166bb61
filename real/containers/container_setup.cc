#include "real/containers/container_setup.h"

#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace keel::real {
namespace {

void join_cgroups(const std::vector<int>& procs_fds, const ChildReport& report) {
  // Writing 0 to cgroup.procs moves the writer (Linux, Documentation/admin-guide/cgroup-v2.rst and
  // cgroup-v1/cgroups.rst); the main program, forked later, is born inside.
  for (int fd : procs_fds) {
    if (::write(fd, "0", 1) != 1) report.fail({"join cgroup"}, errno);
    ::close(fd);
  }
}

// A new network namespace has only a loopback device, and it is down (network_namespaces(7)).
void bring_loopback_up(const ChildReport& report) {
  const int sock = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (sock < 0) report.fail({"socket for loopback"}, errno);
  struct ifreq request {};
  std::strncpy(request.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(sock, SIOCGIFFLAGS, &request) != 0) report.fail({"read loopback flags"}, errno);
  request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP | IFF_RUNNING);
  if (::ioctl(sock, SIOCSIFFLAGS, &request) != 0) report.fail({"bring loopback up"}, errno);
  ::close(sock);
}

void make_dir(const char* path, mode_t mode, const ChildReport& report) {
  if (::mkdir(path, mode) != 0 && errno != EEXIST) report.fail({"create ", path}, errno);
}

void mount_or_fail(const char* source, const char* target, const char* type, unsigned long flags,
                   const char* data, const ChildReport& report) {
  if (::mount(source, target, type, flags, data) != 0) {
    report.fail({"mount ", type != nullptr ? type : source, " on ", target}, errno);
  }
}

// /dev as a tmpfs holding only bind mounts of the host's harmless character devices and the
// compulsory links, as OCI runtimes build it (runtime-spec config-linux.md, "Default Devices").
void populate_dev(const LaunchPlan& plan, const ChildReport& report) {
  mount_or_fail("tmpfs", plan.root_dev.c_str(), "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k",
                report);
  for (const DeviceBind& device : plan.devices) {
    const int fd = ::open(device.inside.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
    if (fd < 0) report.fail({"create ", device.inside.c_str()}, errno);
    ::close(fd);
    mount_or_fail(device.host.c_str(), device.inside.c_str(), nullptr, MS_BIND, nullptr, report);
  }
  for (const auto& [target, link] : plan.dev_links) {
    if (::symlink(target.c_str(), link.c_str()) != 0) report.fail({"link ", link.c_str()}, errno);
  }
}

void enter_root(const LaunchPlan& plan, const ChildReport& report) {
  if (!plan.overlay_options.empty()) {
    mount_or_fail("overlay", plan.root.c_str(), "overlay", 0, plan.overlay_options.c_str(), report);
  }
  // pivot_root needs the new root to be a mount point: bind it onto itself (pivot_root(2)).
  mount_or_fail(plan.root.c_str(), plan.root.c_str(), nullptr, MS_BIND | MS_REC, nullptr, report);
  make_dir(plan.root_proc.c_str(), 0555, report);
  make_dir(plan.root_dev.c_str(), 0755, report);
  make_dir(plan.root_tmp.c_str(), 01777, report);
  // This process is PID 1 of the new PID namespace, so the proc mounted here shows that namespace.
  mount_or_fail("proc", plan.root_proc.c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr,
                report);
  populate_dev(plan, report);
  mount_or_fail("tmpfs", plan.root_tmp.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777", report);
  if (::chdir(plan.root.c_str()) != 0) report.fail({"enter ", plan.root.c_str()}, errno);
  // pivot_root(".", ".") stacks the old root on the new one; detaching "." then drops the old
  // root without needing a directory for it (pivot_root(2), NOTES).
  if (::syscall(SYS_pivot_root, ".", ".") != 0) report.fail({"pivot_root"}, errno);
  if (::umount2(".", MNT_DETACH) != 0) report.fail({"detach the old root"}, errno);
  if (::chdir("/") != 0) report.fail({"chdir /"}, errno);
}

}  // namespace

void isolate_container(const LaunchPlan& plan, const std::vector<int>& cgroup_procs_fds,
                       const ChildReport& report) {
  join_cgroups(cgroup_procs_fds, report);
  if (plan.private_network) bring_loopback_up(report);
  if (!plan.hostname.empty() && ::sethostname(plan.hostname.data(), plan.hostname.size()) != 0) {
    report.fail({"set hostname ", plan.hostname.c_str()}, errno);
  }
  // Private propagation first, so no mount made below reaches the host (mount_namespaces(7)).
  mount_or_fail("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr, report);
  if (plan.root.empty()) {
    mount_or_fail("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr, report);
  } else {
    enter_root(plan, report);
  }
}

}  // namespace keel::real
