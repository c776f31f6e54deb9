/* SPDX-License-Identifier: ISC */
/*
 * json.c: writing JSON (spill --info --json, lagwatch --watch --json).
 * Numbers and fixed keys are written with fprintf(3) by their callers;
 * what comes from outside -- stage names, tools, paths, faults -- goes
 * through pf_json_string() so that the output stays valid JSON whatever
 * bytes it holds.
 */

#include "config.h"

#include <stdio.h>

#include "pipeflow.h"

void
pf_json_string(FILE *fp, const char *s)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 k, need;

	fputc('"', fp);
	while (*p != '\0') {
		if (*p == '"' || *p == '\\')
			fprintf(fp, "\\%c", *p++);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(fp, "\\u%04x", *p++);
		else if (*p < 0x80)
			fputc(*p++, fp);
		else {
			need = *p >= 0xc2 && *p <= 0xdf ? 1 :
			    *p >= 0xe0 && *p <= 0xef ? 2 :
			    *p >= 0xf0 && *p <= 0xf4 ? 3 : 0;
			for (k = 1; k <= need; k++)
				if ((p[k] & 0xc0) != 0x80)
					break;
			/* Overlong and surrogate forms pass: rare, harmless. */
			if (need == 0 || k <= need) {
				fputs("\\ufffd", fp);
				p++;
			} else {
				fwrite(p, 1, need + 1, fp);
				p += need + 1;
			}
		}
	}
	fputc('"', fp);
}
