/* The bytes the pipe tests move: a position-dependent pattern (so a lost,
 * repeated or reordered chunk changes the checksum) and an order-sensitive
 * checksum. */
#ifndef PIPE_PATTERN_H
#define PIPE_PATTERN_H
#include <stddef.h>
#include <stdint.h>

static inline void pattern_fill(unsigned char *buf, size_t n, uint64_t pos, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t p = pos + i;
        buf[i] = (unsigned char)((p * 131u) ^ (p >> 11) ^ seed);
    }
}

/* Running checksum: sum = pattern_sum(sum, bytes...) */
static inline uint32_t pattern_sum(uint32_t sum, const unsigned char *buf, size_t n)
{
    uint32_t a = sum & 0xffff, b = sum >> 16;
    for (size_t i = 0; i < n; i++) {
        a = (a + buf[i]) % 65521u;
        b = (b + a) % 65521u;
    }
    return b << 16 | a;
}
#define PATTERN_SUM_INIT 1u
#endif
