# Shared part of the cross toolchain files (toolchain-arm64.cmake,
# toolchain-armhf.cmake): Debian multiarch, no sysroot.  The target's
# libraries are the -dev packages installed as :arm64 / :armhf under
# /usr/lib/${ACD_CROSS_TRIPLET}; the compiler is crossbuild-essential-*'s.
# tools/cross installs all of it and sets ACD_RADCLI_PC_DIR.
#
# Set before including: CMAKE_SYSTEM_PROCESSOR, ACD_CROSS_TRIPLET,
# ACD_CROSS_QEMU (the qemu-user binary that runs the target's programs).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${ACD_CROSS_TRIPLET}-gcc)
set(CMAKE_LIBRARY_ARCHITECTURE ${ACD_CROSS_TRIPLET})

# Headers from /usr/include (multiarch: the target's own bits are under
# /usr/include/${ACD_CROSS_TRIPLET}, which the cross gcc searches), libraries
# only from the target's directory: never link a host library by mistake.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_IGNORE_PATH /usr/lib/x86_64-linux-gnu /lib/x86_64-linux-gnu)

# pkg-config answers for the target only.  libradcli-dev cannot be installed
# for two architectures at once: its target copy is unpacked aside, and its
# radcli.pc found through ACD_RADCLI_PC_DIR (cache variable or environment).
set(ENV{PKG_CONFIG_LIBDIR} "/usr/lib/${ACD_CROSS_TRIPLET}/pkgconfig:/usr/share/pkgconfig")
if(NOT ACD_RADCLI_PC_DIR AND DEFINED ENV{ACD_RADCLI_PC_DIR})
  set(ACD_RADCLI_PC_DIR "$ENV{ACD_RADCLI_PC_DIR}")
endif()
set(ACD_RADCLI_PC_DIR "${ACD_RADCLI_PC_DIR}" CACHE PATH
    "directory of the target's radcli.pc (libradcli-dev unpacked aside, see tools/cross)")
if(ACD_RADCLI_PC_DIR)
  set(ENV{PKG_CONFIG_PATH} "${ACD_RADCLI_PC_DIR}")
endif()

# ctest runs the target's test programs through qemu-user (shell-script
# tests run target programs through binfmt_misc, which tools/cross registers).
find_program(ACD_CROSS_QEMU_PATH ${ACD_CROSS_QEMU})
if(ACD_CROSS_QEMU_PATH)
  set(CMAKE_CROSSCOMPILING_EMULATOR ${ACD_CROSS_QEMU_PATH})
endif()
