/* tool_onnx_io MODEL.onnx: print the model's graph inputs that are not
 * initializers ("input NAME") and its outputs ("output NAME"), one per
 * line, in model order.  Used by the conformance driver; reads the file
 * with protobuf-c directly, independently of the compiler's importer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "onnx.pb-c.h"

static int is_initializer(const Onnx__GraphProto *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->n_initializer; i++)
		if (g->initializer[i]->name &&
		    !strcmp(g->initializer[i]->name, name))
			return 1;
	return 0;
}

int main(int argc, char **argv)
{
	Onnx__ModelProto *m;
	unsigned char *buf;
	long len;
	size_t i;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: tool_onnx_io MODEL.onnx\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f || fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0) {
		perror(argv[1]);
		return 1;
	}
	rewind(f);
	buf = malloc(len ? len : 1);
	if (!buf || fread(buf, 1, len, f) != (size_t) len) {
		fprintf(stderr, "%s: read error\n", argv[1]);
		return 1;
	}
	fclose(f);
	m = onnx__model_proto__unpack(NULL, len, buf);
	free(buf);
	if (!m || !m->graph) {
		fprintf(stderr, "%s: not an ONNX model\n", argv[1]);
		return 1;
	}
	for (i = 0; i < m->graph->n_input; i++)
		if (!is_initializer(m->graph, m->graph->input[i]->name))
			printf("input %s\n", m->graph->input[i]->name);
	for (i = 0; i < m->graph->n_output; i++)
		printf("output %s\n", m->graph->output[i]->name);
	onnx__model_proto__free_unpacked(m, NULL);
	return 0;
}
