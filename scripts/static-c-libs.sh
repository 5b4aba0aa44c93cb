#!/bin/sh
# Prepares DIR for `swift build --pkg-config-path DIR` (the Makefile's release build): pkg-config
# files for sqlite3, openssl and libxcrypt whose only library folder is DIR, and in DIR links to
# the static archives libsqlite3.a, libssl.a, libcrypto.a, libcrypt.a (from libsqlite3-dev,
# libssl-dev, libcrypt-dev) and libstdc++.a (from the C++ compiler SwiftPM uses). The linker
# searches DIR before the system's folders, so it links those five statically; glibc stays
# shared. Why: a process that loads and relocates none of them starts some 2.5 ms sooner
# (BENCHMARKS.md, "authctl check").
# Usage: scripts/static-c-libs.sh DIR
set -eu
dir=$1
mkdir -p "$dir"
for lib in libsqlite3.a libssl.a libcrypto.a libcrypt.a libstdc++.a; do
  path=$(${CC:-cc} -print-file-name="$lib")
  case $path in
    /*) ln -sf "$path" "$dir/$lib" ;;
    *) echo "static-c-libs: $lib not found (install the -dev package, or make STATIC_C_LIBS=0)" >&2
       exit 1 ;;
  esac
done
for pc in sqlite3:sqlite3 openssl:"ssl -lcrypto" libxcrypt:crypt; do
  name=${pc%%:*}
  libs=${pc#*:}
  cflags=$(pkg-config --cflags "$name")
  version=$(pkg-config --modversion "$name")
  printf 'Name: %s\nDescription: %s, linked statically\nVersion: %s\nLibs: -L%s -l%s\nCflags: %s\n' \
    "$name" "$name" "$version" "$dir" "$libs" "$cflags" > "$dir/$name.pc"
done
