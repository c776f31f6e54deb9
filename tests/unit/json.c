/* SPDX-License-Identifier: ISC */
/*
 * json.c: unit tests for lib/json.c.  Strings come out quoted with quotes
 * and backslashes escaped, control bytes and DEL as \u00XX, UTF-8 as is,
 * and every byte that does not start a whole UTF-8 sequence as U+FFFD.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeflow.h"
#include "tap.h"

static void	 json_is(const char *, const char *, const char *);

/* Write s with pf_json_string() and compare with want. */
static void
json_is(const char *s, const char *want, const char *what)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*fp;

	if ((fp = open_memstream(&buf, &len)) == NULL) {
		ok(0, "%s: open_memstream", what);
		return;
	}
	pf_json_string(fp, s);
	if (fclose(fp) != 0) {
		ok(0, "%s: fclose", what);
		free(buf);
		return;
	}
	is_str(buf, want, "%s", what);
	free(buf);
}

int
main(void)
{
	json_is("", "\"\"", "the empty string");
	json_is("stage-1.a_b", "\"stage-1.a_b\"", "plain ASCII as is");
	json_is("a\"b\\c", "\"a\\\"b\\\\c\"", "quote and backslash escaped");
	json_is("\t\n\r\x01\x1f", "\"\\u0009\\u000a\\u000d\\u0001\\u001f\"",
	    "control bytes as \\u00XX");
	json_is("x\x7fy", "\"x\\u007fy\"", "DEL as \\u007f");
	json_is("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
	    "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
	    "two-, three- and four-byte UTF-8 as is");
	json_is("a\xffz", "\"a\\ufffdz\"", "a byte that starts nothing");
	json_is("a\x80z", "\"a\\ufffdz\"", "a stray continuation byte");
	json_is("a\xc0\xafz", "\"a\\ufffd\\ufffdz\"",
	    "C0 and C1 never start a sequence");
	json_is("a\xe2\x82z", "\"a\\ufffd\\ufffdz\"",
	    "a cut sequence: its lead, then each stray byte");
	json_is("\xf0\x9f\x98", "\"\\ufffd\\ufffd\\ufffd\"",
	    "a sequence cut by the end of the string");
	json_is("\xf5\x80\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"",
	    "F5 and above start nothing");
	return (done());
}
