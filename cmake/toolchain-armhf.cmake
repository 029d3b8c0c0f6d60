# Cross-build for 32-bit ARM, hard float (Raspberry Pi OS 32-bit, older
# boards) on Debian:
#   cmake -S . -B build/cross-armhf -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-armhf.cmake
# tools/cross armhf installs what it needs, builds and runs the unit tests.
set(CMAKE_SYSTEM_PROCESSOR arm)
set(ACD_CROSS_TRIPLET arm-linux-gnueabihf)
set(ACD_CROSS_QEMU qemu-arm-static)
include(${CMAKE_CURRENT_LIST_DIR}/cross-debian.cmake)
