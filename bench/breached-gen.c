/* breached-gen: writes N lines of a sorted SHA-1 list in the format of Have I Been Pwned's
 * "ordered by hash" download ("HEX40:count\r\n"), fast, for bench/breached.sh.
 *
 * The hashes are not SHA-1s of anything: line i takes a 64-bit prefix inside the i-th of N
 * equal slices of the 64-bit range (so the lines come sorted and evenly spread, as real SHA-1s
 * are), then 96 random bits; the count is random too (1..99999).
 * Usage: breached-gen N FILE
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t state = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) { /* xorshift64* */
  state ^= state >> 12; state ^= state << 25; state ^= state >> 27;
  return state * 2685821657736338717ull;
}

static const char hex[] = "0123456789ABCDEF";

int main(int argc, char **argv) {
  if (argc != 3) { fprintf(stderr, "usage: breached-gen N FILE\n"); return 64; }
  uint64_t n = strtoull(argv[1], NULL, 10);
  FILE *f = fopen(argv[2], "wb");
  if (!f || n == 0) { perror(argv[2]); return 73; }
  static char buffer[1 << 22];
  setvbuf(f, buffer, _IOFBF, sizeof buffer);
  uint64_t slice = UINT64_MAX / n;  /* each line's prefix lies in its own slice */
  char line[64];
  for (uint64_t i = 0; i < n; i++) {
    uint64_t prefix = i * slice + next() % (slice > 1 ? slice - 1 : 1);
    uint64_t mid = next(), low = next();
    int k = 0;
    for (int s = 60; s >= 0; s -= 4) line[k++] = hex[(prefix >> s) & 15];
    for (int s = 60; s >= 0; s -= 4) line[k++] = hex[(mid >> s) & 15];
    for (int s = 28; s >= 0; s -= 4) line[k++] = hex[(low >> s) & 15];
    k += sprintf(line + k, ":%u\r\n", (unsigned)(next() % 99999 + 1));
    if (fwrite(line, 1, (size_t)k, f) != (size_t)k) { perror("write"); return 74; }
  }
  if (fclose(f) != 0) { perror("close"); return 74; }
  return 0;
}
