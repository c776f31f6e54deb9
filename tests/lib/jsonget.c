/* SPDX-License-Identifier: ISC */
/*
 * jsonget: check that a file holds exactly one JSON value and print one
 * top-level member of it, so that the tests read --format json output
 * without needing python3 or jq on the machine.
 *
 * usage: jsonget FILE [KEY]
 *
 * Without KEY the file is only checked.  With KEY the file must hold an
 * object; the member's value is printed on one line: a string unescaped,
 * a number, true, false or null as written, an object or array as its
 * JSON text.  Exit 0 when printed (or valid), 1 if the file is not valid
 * JSON or has no such member, 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const char	*s;
	const char	*end;
};

static int	value(struct parser *);

static void
space(struct parser *p)
{
	while (p->s < p->end && (*p->s == ' ' || *p->s == '\t' ||
	    *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

static int
literal(struct parser *p, const char *word)
{
	size_t	len = strlen(word);

	if ((size_t)(p->end - p->s) < len || memcmp(p->s, word, len) != 0)
		return (-1);
	p->s += len;
	return (0);
}

static int
hex4(const char *s, unsigned *out)
{
	unsigned	v = 0;
	int		i;

	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (s[i] >= '0' && s[i] <= '9')
			v |= (unsigned)(s[i] - '0');
		else if (s[i] >= 'a' && s[i] <= 'f')
			v |= (unsigned)(s[i] - 'a' + 10);
		else if (s[i] >= 'A' && s[i] <= 'F')
			v |= (unsigned)(s[i] - 'A' + 10);
		else
			return (-1);
	}
	*out = v;
	return (0);
}

/* A string at p->s; its unescaped text to out (UTF-8) when out is set. */
static int
string(struct parser *p, FILE *out)
{
	unsigned	 c, lo;

	if (p->s >= p->end || *p->s != '"')
		return (-1);
	p->s++;
	while (p->s < p->end && *p->s != '"') {
		if ((unsigned char)*p->s < 0x20)
			return (-1);
		if (*p->s != '\\') {
			if (out != NULL)
				fputc(*p->s, out);
			p->s++;
			continue;
		}
		if (++p->s >= p->end)
			return (-1);
		switch (*p->s) {
		case '"': case '\\': case '/':
			c = (unsigned char)*p->s;
			break;
		case 'b': c = '\b'; break;
		case 'f': c = '\f'; break;
		case 'n': c = '\n'; break;
		case 'r': c = '\r'; break;
		case 't': c = '\t'; break;
		case 'u':
			if (p->end - p->s < 5 || hex4(p->s + 1, &c) == -1)
				return (-1);
			p->s += 4;
			if (c >= 0xd800 && c < 0xdc00) {
				if (p->end - p->s < 7 || p->s[1] != '\\' ||
				    p->s[2] != 'u' || hex4(p->s + 3, &lo) == -1 ||
				    lo < 0xdc00 || lo >= 0xe000)
					return (-1);
				p->s += 6;
				c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
			}
			break;
		default:
			return (-1);
		}
		p->s++;
		if (out == NULL)
			continue;
		if (c < 0x80)
			fputc((int)c, out);
		else if (c < 0x800) {
			fputc((int)(0xc0 | c >> 6), out);
			fputc((int)(0x80 | (c & 0x3f)), out);
		} else if (c < 0x10000) {
			fputc((int)(0xe0 | c >> 12), out);
			fputc((int)(0x80 | ((c >> 6) & 0x3f)), out);
			fputc((int)(0x80 | (c & 0x3f)), out);
		} else {
			fputc((int)(0xf0 | c >> 18), out);
			fputc((int)(0x80 | ((c >> 12) & 0x3f)), out);
			fputc((int)(0x80 | ((c >> 6) & 0x3f)), out);
			fputc((int)(0x80 | (c & 0x3f)), out);
		}
	}
	if (p->s >= p->end)
		return (-1);
	p->s++;
	return (0);
}

static int
digits(struct parser *p)
{
	const char	*start = p->s;

	while (p->s < p->end && *p->s >= '0' && *p->s <= '9')
		p->s++;
	return (p->s == start ? -1 : 0);
}

static int
number(struct parser *p)
{
	if (p->s < p->end && *p->s == '-')
		p->s++;
	if (p->s < p->end && *p->s == '0')
		p->s++;
	else if (digits(p) == -1)
		return (-1);
	if (p->s < p->end && *p->s == '.') {
		p->s++;
		if (digits(p) == -1)
			return (-1);
	}
	if (p->s < p->end && (*p->s == 'e' || *p->s == 'E')) {
		p->s++;
		if (p->s < p->end && (*p->s == '+' || *p->s == '-'))
			p->s++;
		if (digits(p) == -1)
			return (-1);
	}
	return (0);
}

static int
members(struct parser *p, char open, char close)
{
	p->s++;
	space(p);
	if (p->s < p->end && *p->s == close) {
		p->s++;
		return (0);
	}
	for (;;) {
		if (open == '{') {
			if (string(p, NULL) == -1)
				return (-1);
			space(p);
			if (p->s >= p->end || *p->s != ':')
				return (-1);
			p->s++;
		}
		if (value(p) == -1)
			return (-1);
		space(p);
		if (p->s < p->end && *p->s == ',') {
			p->s++;
			space(p);
			continue;
		}
		if (p->s < p->end && *p->s == close) {
			p->s++;
			return (0);
		}
		return (-1);
	}
}

/* One value, with the white space around it. */
static int
value(struct parser *p)
{
	int	rc;

	space(p);
	if (p->s >= p->end)
		return (-1);
	switch (*p->s) {
	case '{':
		rc = members(p, '{', '}');
		break;
	case '[':
		rc = members(p, '[', ']');
		break;
	case '"':
		rc = string(p, NULL);
		break;
	case 't':
		rc = literal(p, "true");
		break;
	case 'f':
		rc = literal(p, "false");
		break;
	case 'n':
		rc = literal(p, "null");
		break;
	default:
		rc = number(p);
		break;
	}
	space(p);
	return (rc);
}

/* Whether the string at s (valid JSON) unescapes to key. */
static int
keyis(const char *s, const char *end, const char *key)
{
	struct parser	 k = { s, end };
	char		*name = NULL;
	size_t		 nlen = 0;
	FILE		*m;
	int		 same;

	if ((m = open_memstream(&name, &nlen)) == NULL)
		return (0);
	string(&k, m);
	fclose(m);
	same = name != NULL && strcmp(name, key) == 0;
	free(name);
	return (same);
}

static char *
slurp(const char *path, size_t *lenp)
{
	FILE	*f;
	char	*buf = NULL, *nbuf;
	size_t	 len = 0, size = 0, n;

	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		return (NULL);
	}
	for (;;) {
		if (len == size) {
			size = size ? size * 2 : 65536;
			if ((nbuf = realloc(buf, size)) == NULL) {
				perror("jsonget");
				free(buf);
				fclose(f);
				return (NULL);
			}
			buf = nbuf;
		}
		n = fread(buf + len, 1, size - len, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		perror(path);
		free(buf);
		fclose(f);
		return (NULL);
	}
	fclose(f);
	*lenp = len;
	return (buf);
}

int
main(int argc, char *argv[])
{
	struct parser	 p;
	const char	*key, *kstart, *vstart;
	char		*buf;
	size_t		 len;
	int		 found = 0;

	if (argc != 2 && argc != 3) {
		fprintf(stderr, "usage: jsonget FILE [KEY]\n");
		return (2);
	}
	key = argc == 3 ? argv[2] : NULL;
	if ((buf = slurp(argv[1], &len)) == NULL)
		return (1);
	p.s = buf;
	p.end = buf + len;
	if (value(&p) == -1 || p.s != p.end) {
		fprintf(stderr, "jsonget: %s: not valid JSON at offset %zu\n",
		    argv[1], (size_t)(p.s - buf));
		free(buf);
		return (1);
	}
	if (key == NULL) {
		free(buf);
		return (0);
	}

	/* Valid: walk the top-level object's members again, looking. */
	p.s = buf;
	space(&p);
	if (*p.s != '{') {
		fprintf(stderr, "jsonget: %s: not an object\n", argv[1]);
		free(buf);
		return (1);
	}
	p.s++;
	space(&p);
	while (*p.s == '"') {
		kstart = p.s;
		string(&p, NULL);
		space(&p);
		p.s++;	/* the colon */
		space(&p);
		vstart = p.s;
		found = keyis(kstart, p.end, key);
		value(&p);
		if (found) {
			if (*vstart == '"') {
				p.s = vstart;
				string(&p, stdout);
			} else {
				const char	*e = p.s;

				while (e > vstart && (e[-1] == ' ' ||
				    e[-1] == '\t' || e[-1] == '\n' ||
				    e[-1] == '\r'))
					e--;
				fwrite(vstart, 1, (size_t)(e - vstart), stdout);
			}
			putchar('\n');
			break;
		}
		if (*p.s == ',') {
			p.s++;
			space(&p);
		}
	}
	free(buf);
	if (!found) {
		fprintf(stderr, "jsonget: %s: no member %s\n", argv[1], key);
		return (1);
	}
	return (fflush(stdout) == 0 ? 0 : 1);
}
