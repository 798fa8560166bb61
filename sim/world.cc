#include "core/env/env.h"
