/* The library's version string, from the CMake project version. */
#include "churnkit/version.h"

const char *ck_version(void)
{
    return CK_VERSION_STRING;
}
