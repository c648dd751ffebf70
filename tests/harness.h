#ifndef ATOLL_TEST_HARNESS_H
#define ATOLL_TEST_HARNESS_H

/* Minimal table-driven test harness.  Each test is a function returning
 * 0 on success; CHECK prints the failing condition with file and line.
 * The binary ends with the line "N passed, N failed".
 */
#include <stdio.h>
#include <string.h>

struct test_case {
	const char *name;
	int (*fn)(void);
};

#define CHECK(c) do { if (!(c)) { fprintf(stderr, \
	"  %s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
	return 1; } } while (0)
#define CHECKF(c, ...) do { if (!(c)) { fprintf(stderr, \
	"  %s:%d: check failed: %s: ", __FILE__, __LINE__, #c); \
	fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); \
	return 1; } } while (0)

static inline int test_run_table(const struct test_case *t, int n,
	int argc, char **argv)
{
	int i, pass = 0, fail = 0;

	for (i = 0; i < n; i++) {
		if (argc > 1 && !strstr(t[i].name, argv[1]))
			continue;
		if (t[i].fn() == 0) {
			pass++;
			printf("ok   %s\n", t[i].name);
		} else {
			fail++;
			printf("FAIL %s\n", t[i].name);
		}
		fflush(stdout);
	}
	printf("%d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}

#define TEST_MAIN(table) int main(int argc, char **argv) { \
	return test_run_table(table, (int) (sizeof(table) / \
	sizeof(table[0])), argc, argv); }

#endif
