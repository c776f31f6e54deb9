/* SPDX-License-Identifier: ISC */
/*
 * replay.c: run a libFuzzer target over corpus files without libFuzzer,
 * so that `make check' replays the corpus with the normal (or sanitizer)
 * build.  Prints TAP: one line per file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
main(int argc, char *argv[])
{
	FILE	*f;
	uint8_t	*buf;
	long	 len;
	int	 i;

	for (i = 1; i < argc; i++) {
		if ((f = fopen(argv[i], "rb")) == NULL ||
		    fseek(f, 0, SEEK_END) == -1 || (len = ftell(f)) < 0 ||
		    fseek(f, 0, SEEK_SET) == -1) {
			printf("not ok %d - %s: cannot read\n", i, argv[i]);
			if (f != NULL)
				fclose(f);
			continue;
		}
		if ((buf = malloc(len + 1)) == NULL ||
		    fread(buf, 1, len, f) != (size_t)len) {
			printf("not ok %d - %s: cannot read\n", i, argv[i]);
			fclose(f);
			free(buf);
			continue;
		}
		fclose(f);
		/* A failed check aborts, which the harness reports. */
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		printf("ok %d - %s\n", i, argv[i]);
	}
	printf("1..%d\n", argc - 1);
	return (0);
}
