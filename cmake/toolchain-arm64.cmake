# Cross-build for 64-bit ARM (Raspberry Pi 3/4/5 on a 64-bit OS) on Debian:
#   cmake -S . -B build/cross-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-arm64.cmake
# tools/cross arm64 installs what it needs, builds and runs the unit tests.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(ACD_CROSS_TRIPLET aarch64-linux-gnu)
set(ACD_CROSS_QEMU qemu-aarch64-static)
include(${CMAKE_CURRENT_LIST_DIR}/cross-debian.cmake)
