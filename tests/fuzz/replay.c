/*
 * Runs a fuzz target without libFuzzer: every file of the corpus
 * directories given, then N deterministic mutations of each (bit flips,
 * truncations, byte stores).  Registered as a unit test so every build
 * exercises the targets; real fuzzing: configure with -DACD_FUZZ=ON
 * (clang) and run the fuzz_* binaries on the same corpus.
 *
 *   replay [-n MUTATIONS] [-s] DIR...   (-s: also seed from the unit
 *                                         builders, for fuzz_tc_reply)
 *   replay -o DIR                         write those seeds to DIR, one
 *                                         file each, as libFuzzer's start
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t fuzz_builtin_seeds(uint8_t **bufs, size_t *lens, size_t max);

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static unsigned long runs;

static void one(const uint8_t *seed, size_t len, int mutations)
{
	uint8_t buf[4096];
	int i;

	if (len > sizeof(buf))
		len = sizeof(buf);
	LLVMFuzzerTestOneInput(seed, len);
	runs++;
	for (i = 0; i < mutations; i++) {
		size_t n = len, k;

		memcpy(buf, seed, len);
		switch (next() % 4) {
		case 0: /* flip bits */
			for (k = 0; n && k < 1 + next() % 4; k++)
				buf[next() % n] ^= (uint8_t)(1u << (next() % 8));
			break;
		case 1: /* truncate */
			n = n ? next() % n : 0;
			break;
		case 2: /* store an interesting byte */
			if (n)
				buf[next() % n] = (uint8_t[]){ 0, 0xff, 0x7f, 0x80, '.', 'k', 'M' }[next() % 7];
			break;
		default: /* grow with junk */
			for (k = 0; k < 8 && n < sizeof(buf); k++)
				buf[n++] = (uint8_t)next();
		}
		LLVMFuzzerTestOneInput(buf, n);
		runs++;
	}
}

/* The built-in seeds as files: libFuzzer starts from a directory. */
static int write_seeds(const char *dir)
{
	uint8_t *b[64];
	size_t l[64], n = fuzz_builtin_seeds(b, l, 64), k;
	int rc = 0;

	for (k = 0; k < n; k++) {
		char path[4096];
		FILE *f;

		snprintf(path, sizeof(path), "%s/seed-%02zu", dir, k);
		f = fopen(path, "wbx");
		if (!f || fwrite(b[k], 1, l[k], f) != l[k]) {
			fprintf(stderr, "replay: cannot write %s\n", path);
			rc = 1;
		}
		if (f && fclose(f) != 0)
			rc = 1;
		free(b[k]);
	}
	printf("replay: %zu seeds written to %s\n", n, dir);
	return rc;
}

int main(int argc, char **argv)
{
	int mutations = 200, opt, i;
	int seeds = 0;

	while ((opt = getopt(argc, argv, "n:so:")) != -1) {
		if (opt == 'n')
			mutations = atoi(optarg);
		else if (opt == 's')
			seeds = 1;
		else if (opt == 'o')
			return write_seeds(optarg);
		else
			return 2;
	}
	if (seeds) {
		uint8_t *b[64];
		size_t l[64], n = fuzz_builtin_seeds(b, l, 64), k;

		for (k = 0; k < n; k++) {
			one(b[k], l[k], mutations);
			free(b[k]);
		}
	}
	for (i = optind; i < argc; i++) {
		DIR *d = opendir(argv[i]);
		struct dirent *e;

		if (!d) {
			fprintf(stderr, "replay: cannot open corpus %s\n", argv[i]);
			return 1;
		}
		while ((e = readdir(d)) != NULL) {
			char path[4096];
			uint8_t data[4096];
			size_t n;
			FILE *f;

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			f = fopen(path, "rb");
			if (!f)
				continue;
			n = fread(data, 1, sizeof(data), f);
			fclose(f);
			one(data, n, mutations);
		}
		closedir(d);
	}
	printf("replay: %lu inputs, no crash\n", runs);
	return runs ? 0 : 1;
}
