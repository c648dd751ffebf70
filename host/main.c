/*
 * atoll: the command-line interface (docs/cli.md).
 *
 *   atoll compile MODEL.onnx -o OUT.atb [--const NAME=TENSOR.pb]...
 *                 [-O0|-O2] [--hw CONFIG] [--report R.json] [--dump-*]
 *   atoll run OUT.atb [--backend ref] --input NAME=TENSOR.pb...
 *             --output NAME=TENSOR.pb... [--expect NAME=TENSOR.pb]...
 *             [--report R.json] [--hw CONFIG] [--cycle-budget N]
 *   atoll inspect OUT.atb
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "atoll.h"
#include "atoll_isa.h"
#include "compile.h"
#include "isa.h"
#include "predict.h"

#define MAX_BINDINGS 64

struct binding {
	char *name;
	const char *path;
};

static const char usage_main[] =
"usage: atoll <command> [options]\n"
"\n"
"commands:\n"
"  compile   compile an ONNX model into a bundle (.atb)\n"
"  run       run a bundle on a backend with input tensors\n"
"  inspect   disassemble a bundle: commands, tensors, predictions\n"
"\n"
"'atoll <command> --help' describes each command.  Docs: docs/cli.md\n";

static const char usage_compile[] =
"usage: atoll compile MODEL.onnx -o OUT.atb [options]\n"
"\n"
"  -o FILE              output bundle (required)\n"
"  --const NAME=FILE    bind graph input NAME to the TensorProto in FILE\n"
"                       (repeatable; scales, zero points, weights)\n"
"  -O0 | --no-opt       per-operator program (every operator loads its\n"
"                       inputs from and stores its outputs to DRAM)\n"
"  -O2                  whole-model optimisation (default)\n"
"  --hw FILE            hardware configuration (default: the built-in\n"
"                       firmware/config/default.cfg)\n"
"  --report FILE        write predicted counters per layer as JSON\n"
"  --isl-max-ops N      isl operation budget per model (default 2e8);\n"
"                       exhausting it is a compile error, not a hang\n"
"  --dump-graph         print the imported graph with shapes\n"
"  --dump-domains       print isl domains, footprints, schedules, ASTs\n"
"  --dump-commands      print the generated command stream\n"
"  --dump-flow          print the producer -> consumer dependences (isl)\n"
"                       and whether each load-store pair was eliminated\n";

static const char usage_run[] =
"usage: atoll run BUNDLE.atb --input NAME=FILE... --output NAME=FILE...\n"
"\n"
"  --backend NAME       ref (functional model, default) or sim (the\n"
"                       Verilator model of the RTL)\n"
"  --trace FILE         write an FST waveform (sim backend)\n"
"  --input NAME=FILE    graph input from a TensorProto file (repeatable)\n"
"  --output NAME=FILE   write graph output NAME as a TensorProto file\n"
"                       (intermediate tensors of the -O0 program too)\n"
"  --expect NAME=FILE   compare output NAME byte for byte with FILE;\n"
"                       exit status 1 on any difference\n"
"  --report FILE        measured and predicted counters as JSON\n"
"  --hw FILE            hardware configuration of the device\n"
"  --print              print the values of every graph output\n"
"  --check-traffic      fail unless every measured traffic counter (all\n"
"                       but cycles, busy_*, stall_*) equals the\n"
"                       compiler's prediction\n"
"  --cycle-budget N     stop with a timeout error after N cycles\n"
"                       (default 4000000000)\n";

static const char usage_inspect[] =
"usage: atoll inspect BUNDLE.atb\n"
"\n"
"Prints the bundle header, the tensor table, the predicted counters of\n"
"every layer and the disassembled command stream.\n";

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
	fprintf(stderr, "atoll %s: ", cmd);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\n(see 'atoll %s --help')\n", cmd);
	return 2;
}

static int parse_binding(const char *arg, struct binding *b)
{
	const char *eq = strchr(arg, '=');

	if (!eq || eq == arg || !eq[1])
		return -1;
	b->name = strndup(arg, eq - arg);
	b->path = eq + 1;
	return b->name ? 0 : -1;
}

static int load_hw(const char *path, atoll_hwcfg *hw)
{
	char err[512];

	if (!path) {
		atoll_hwcfg_default(hw);
		return 0;
	}
	if (atoll_hwcfg_load(path, hw, err, sizeof(err)) < 0) {
		fprintf(stderr, "atoll: %s\n", err);
		return -1;
	}
	return 0;
}

static json_t *counters_json(const uint64_t *c)
{
	json_t *o = json_object();
	int i;

	for (i = 0; i < ATOLL_CNT_COUNT; i++)
		json_object_set_new(o, atoll_counter_key(i),
			json_integer((json_int_t) c[i]));
	return o;
}

static void bundle_totals(const atoll_bundle *b, uint64_t *tot)
{
	uint32_t i;
	int k;

	memset(tot, 0, 32 * sizeof(*tot));
	for (i = 0; i < b->ngroups; i++)
		for (k = 0; k < ATOLL_CNT_COUNT; k++)
			tot[k] += b->groups[i].counters[k];
	tot[ATOLL_CNT_CMD_FETCH] = (uint64_t) b->ncmds * ATOLL_CMD_BYTES;
}

/* Weights, biases and other constants, graph inputs and graph outputs,
 * each moved once.
 */
static uint64_t compulsory_bytes(const atoll_bundle *b)
{
	uint64_t n = b->const_bytes;
	uint32_t i;

	for (i = 0; i < b->ntensors; i++)
		if (b->tensors[i].role == ATOLL_ROLE_INPUT ||
		    b->tensors[i].role == ATOLL_ROLE_OUTPUT)
			n += b->tensors[i].nbytes;
	return n;
}

static json_t *layers_json(const atoll_bundle *b)
{
	json_t *a = json_array();
	uint32_t i;

	for (i = 0; i < b->ngroups; i++) {
		json_t *o = json_object();

		json_object_set_new(o, "name", json_string(b->groups[i].name));
		json_object_set_new(o, "first_command",
			json_integer(b->groups[i].first_cmd));
		json_object_set_new(o, "commands",
			json_integer(b->groups[i].ncmds));
		json_object_set_new(o, "predicted",
			counters_json(b->groups[i].counters));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *report_json(const atoll_bundle *b, const uint64_t *measured,
	const char *backend)
{
	json_t *r = json_object();
	uint64_t tot[32];

	bundle_totals(b, tot);
	json_object_set_new(r, "config_id", json_integer(b->config_id));
	if (backend)
		json_object_set_new(r, "backend", json_string(backend));
	if (measured)
		json_object_set_new(r, "measured", counters_json(measured));
	json_object_set_new(r, "predicted", counters_json(tot));
	json_object_set_new(r, "compulsory_dram_bytes",
		json_integer((json_int_t) compulsory_bytes(b)));
	json_object_set_new(r, "commands", json_integer(b->ncmds));
	json_object_set_new(r, "layers", layers_json(b));
	if (b->report_json) {
		json_t *opt = json_loads(b->report_json, 0, NULL);
		json_t *c = json_object_get(opt, "compulsory_dram_bytes");

		if (c)
			json_object_set(r, "compulsory_dram_bytes", c);
		if (opt)
			json_object_set_new(r, "optimizer", opt);
	}
	return r;
}

static int write_report(const char *path, json_t *r)
{
	int rc = json_dump_file(r, path, JSON_INDENT(2) | JSON_SORT_KEYS);

	json_decref(r);
	if (rc < 0) {
		fprintf(stderr, "atoll: cannot write report %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int cmd_compile(int argc, char **argv)
{
	struct binding consts[MAX_BINDINGS];
	int nconsts = 0, i, rc = 1;
	const char *model = NULL, *out = NULL, *hwpath = NULL, *report = NULL;
	atoll_compile_opts o;
	atoll_graph *g = NULL;
	atoll_bundle *b = NULL;
	atoll_hwcfg hw;
	atoll_diag d;
	char err[512];

	memset(&o, 0, sizeof(o));
	memset(&d, 0, sizeof(d));
	o.opt_level = 2;
	o.dump_file = stdout;
	for (i = 0; i < argc; i++) {
		const char *a = argv[i];

		if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
			fputs(usage_compile, stdout);
			rc = 0;
			goto done;
		} else if (!strcmp(a, "-o") && i + 1 < argc) {
			out = argv[++i];
		} else if (!strcmp(a, "--const") && i + 1 < argc) {
			if (nconsts == MAX_BINDINGS ||
			    parse_binding(argv[++i], &consts[nconsts]) < 0) {
				rc = usage_error("compile", "bad --const '%s' "
					"(expected NAME=FILE.pb)", argv[i]);
				goto done;
			}
			nconsts++;
		} else if (!strcmp(a, "-O0") || !strcmp(a, "--no-opt")) {
			o.opt_level = 0;
		} else if (!strcmp(a, "-O2")) {
			o.opt_level = 2;
		} else if (!strcmp(a, "--hw") && i + 1 < argc) {
			hwpath = argv[++i];
		} else if (!strcmp(a, "--report") && i + 1 < argc) {
			report = argv[++i];
		} else if (!strcmp(a, "--dump-graph")) {
			o.dump |= ATOLL_DUMP_GRAPH;
		} else if (!strcmp(a, "--dump-domains") ||
			   !strcmp(a, "--dump-schedule")) {
			o.dump |= ATOLL_DUMP_DOMAINS;
		} else if (!strcmp(a, "--isl-max-ops") && i + 1 < argc) {
			o.isl_max_ops = strtoul(argv[++i], NULL, 0);
		} else if (!strcmp(a, "--dump-flow")) {
			o.dump |= ATOLL_DUMP_FLOW;
		} else if (!strcmp(a, "--dump-commands")) {
			o.dump |= ATOLL_DUMP_COMMANDS;
		} else if (a[0] == '-' || model) {
			rc = usage_error("compile", "unexpected argument '%s'", a);
			goto done;
		} else {
			model = a;
		}
	}
	if (!model || !out) {
		rc = usage_error("compile", "%s", !model ?
			"missing MODEL.onnx" : "missing -o OUT.atb");
		goto done;
	}
	if (load_hw(hwpath, &hw) < 0)
		goto done;
	o.hw = &hw;
	g = atoll_onnx_load(model, &d);
	if (!g)
		goto diag;
	for (i = 0; i < nconsts; i++) {
		atoll_tensor t;

		memset(&t, 0, sizeof(t));
		if (atoll_tensor_pb_read(consts[i].path, &t, &d) < 0)
			goto diag;
		if (atoll_graph_bind_const(g, consts[i].name, &t, &d) < 0) {
			atoll_tensor_clear(&t);
			goto diag;
		}
		atoll_tensor_clear(&t);
	}
	b = atoll_compile(g, &o, &d);
	if (!b)
		goto diag;
	if (atoll_bundle_write(b, out, err, sizeof(err)) < 0) {
		fprintf(stderr, "atoll compile: %s\n", err);
		goto done;
	}
	if (report && write_report(report, report_json(b, NULL, NULL)) < 0)
		goto done;
	rc = 0;
	goto done;
diag:
	fprintf(stderr, "atoll compile: %s: %s\n", model, d.msg);
done:
	for (i = 0; i < nconsts; i++)
		free(consts[i].name);
	atoll_bundle_free(b);
	atoll_graph_free(g);
	return rc;
}

static const atoll_btensor *find_tensor(const atoll_bundle *b,
	const char *name, uint32_t role)
{
	uint32_t i;

	for (i = 0; i < b->ntensors; i++)
		if (b->tensors[i].role == role &&
		    !strcmp(b->tensors[i].name, name))
			return &b->tensors[i];
	return NULL;
}

static void shape_str(int dtype, int rank, const int64_t *dims, char *buf,
	size_t len)
{
	size_t pos;
	int k;

	pos = snprintf(buf, len, "%s [", atoll_dtype_name(dtype));
	for (k = 0; k < rank && pos < len; k++)
		pos += snprintf(buf + pos, len - pos, "%s%lld", k ? "," : "",
			(long long) dims[k]);
	if (pos < len)
		snprintf(buf + pos, len - pos, "]");
}

/* Type and size of a tensor at the graph boundary: float32 when the
 * host quantises or dequantises it.
 */
static int host_dtype(const atoll_btensor *bt)
{
	return bt->host_float ? ATOLL_DT_FLOAT : (int) bt->dtype;
}

static size_t host_nbytes(const atoll_btensor *bt)
{
	return bt->host_float ? (size_t) bt->nbytes * 4 : bt->nbytes;
}

/* The tensor in "t" must have the type and shape of table entry "bt". */
static int check_tensor(const atoll_btensor *bt, const atoll_tensor *t,
	const char *path)
{
	char want[256], got[256];
	int k, same = host_dtype(bt) == t->dtype && (int) bt->rank == t->rank;

	for (k = 0; same && k < t->rank; k++)
		same = bt->dims[k] == t->dims[k];
	if (same && t->nbytes == host_nbytes(bt))
		return 0;
	shape_str(host_dtype(bt), bt->rank, bt->dims, want, sizeof(want));
	shape_str(t->dtype, t->rank, t->dims, got, sizeof(got));
	fprintf(stderr, "atoll run: tensor '%s': expected %s, %s holds %s\n",
		bt->name, want, path, got);
	return -1;
}

static void list_tensors(const atoll_bundle *b, uint32_t role)
{
	uint32_t i;

	fprintf(stderr, "  %s tensors of the bundle:",
		role == ATOLL_ROLE_INPUT ? "input" : "output");
	for (i = 0; i < b->ntensors; i++)
		if (b->tensors[i].role == role)
			fprintf(stderr, " %s", b->tensors[i].name);
	fprintf(stderr, "\n");
}

/* Scale and zero point of element "i" of "bt": per tensor, or per index
 * along host_axis (host_float 2).
 */
static void host_qparams(const atoll_btensor *bt, size_t i, float *scale,
	int *zp)
{
	size_t inner = 1, k;

	*scale = bt->scale;
	*zp = bt->zero_point;
	if (bt->host_float != 2)
		return;
	for (k = bt->host_axis + 1; k < bt->rank; k++)
		inner *= (size_t) bt->dims[k];
	k = i / inner % (size_t) bt->dims[bt->host_axis];
	*scale = bt->host_scales[k];
	*zp = bt->host_zps[k];
}

/* QuantizeLinear on the host, in place: q = saturate(rint(v / scale) +
 * zero_point) with the quotient in float32 (docs/qsemantics.md).
 */
static int quantize_input(const atoll_btensor *bt, atoll_tensor *t)
{
	size_t i, n = bt->nbytes;
	uint8_t *q = t->data;
	int sgn = bt->dtype == ATOLL_DT_INT8;

	for (i = 0; i < n; i++) {
		float v, s;
		volatile float d;
		double r;
		int z;

		host_qparams(bt, i, &s, &z);
		memcpy(&v, (char *) t->data + 4 * i, 4);
		d = v / s;
		r = rint((double) d) + z;
		if (isnan(r))
			r = z;
		r = r < (sgn ? -128 : 0) ? (sgn ? -128 : 0) :
			r > (sgn ? 127 : 255) ? (sgn ? 127 : 255) : r;
		q[i] = (uint8_t) (int) r;
	}
	return 0;
}

/* DequantizeLinear on the host: (q - zero_point) * scale in float32. */
static int dequantize_output(const atoll_btensor *bt, atoll_tensor *t)
{
	size_t i, n = bt->nbytes;
	float *f = malloc(n ? n * 4 : 1);
	const uint8_t *q = t->data;

	if (!f)
		return -1;
	for (i = 0; i < n; i++) {
		int v = bt->dtype == ATOLL_DT_INT8 ? (int8_t) q[i] : q[i], z;
		float s;

		host_qparams(bt, i, &s, &z);
		f[i] = (float) (v - z) * s;
	}
	free(t->data);
	t->data = f;
	t->dtype = ATOLL_DT_FLOAT;
	t->nbytes = n * 4;
	return 0;
}

static int bind_inputs(atoll_dev *dev, const atoll_bundle *b,
	struct binding *in, int nin)
{
	atoll_diag d;
	uint32_t i;
	int k;

	memset(&d, 0, sizeof(d));
	for (k = 0; k < nin; k++) {
		const atoll_btensor *bt = find_tensor(b, in[k].name,
			ATOLL_ROLE_INPUT);
		atoll_tensor t;
		int r;

		if (!bt) {
			fprintf(stderr, "atoll run: the bundle has no input "
				"'%s'\n", in[k].name);
			list_tensors(b, ATOLL_ROLE_INPUT);
			return -1;
		}
		memset(&t, 0, sizeof(t));
		if (atoll_tensor_pb_read(in[k].path, &t, &d) < 0) {
			fprintf(stderr, "atoll run: %s\n", d.msg);
			return -1;
		}
		r = check_tensor(bt, &t, in[k].path);
		if (r == 0 && bt->host_float)
			r = quantize_input(bt, &t);
		if (r == 0 && atoll_dev_write(dev, bt->dram_addr, t.data,
						bt->nbytes) < 0) {
			fprintf(stderr, "atoll run: %s\n", atoll_dev_error(dev));
			r = -1;
		}
		atoll_tensor_clear(&t);
		if (r < 0)
			return -1;
	}
	for (i = 0; i < b->ntensors; i++) {
		if (b->tensors[i].role != ATOLL_ROLE_INPUT)
			continue;
		for (k = 0; k < nin; k++)
			if (!strcmp(in[k].name, b->tensors[i].name))
				break;
		if (k == nin) {
			fprintf(stderr, "atoll run: missing --input %s=FILE\n",
				b->tensors[i].name);
			return -1;
		}
	}
	return 0;
}

static int read_output(atoll_dev *dev, const atoll_bundle *b,
	const char *name, atoll_tensor *t)
{
	const atoll_btensor *bt = find_tensor(b, name, ATOLL_ROLE_OUTPUT);

	if (!bt)
		bt = find_tensor(b, name, ATOLL_ROLE_INTERNAL);
	uint32_t k;

	memset(t, 0, sizeof(*t));
	if (!bt) {
		fprintf(stderr, "atoll run: the bundle has no output '%s'\n",
			name);
		list_tensors(b, ATOLL_ROLE_OUTPUT);
		return -1;
	}
	t->name = strdup(bt->name);
	t->dtype = bt->dtype;
	t->rank = bt->rank;
	for (k = 0; k < bt->rank; k++)
		t->dims[k] = bt->dims[k];
	t->nbytes = bt->nbytes;
	t->data = malloc(bt->nbytes ? bt->nbytes : 1);
	if (!t->name || !t->data) {
		atoll_tensor_clear(t);
		return -1;
	}
	if (atoll_dev_read(dev, bt->dram_addr, t->data, bt->nbytes) < 0) {
		fprintf(stderr, "atoll run: %s\n", atoll_dev_error(dev));
		atoll_tensor_clear(t);
		return -1;
	}
	if (bt->host_float && dequantize_output(bt, t) < 0) {
		atoll_tensor_clear(t);
		return -1;
	}
	return 0;
}

static void print_tensor(const atoll_tensor *t)
{
	size_t i, n = t->nbytes / atoll_dtype_size(t->dtype);
	char shape[256];

	shape_str(t->dtype, t->rank, t->dims, shape, sizeof(shape));
	printf("output %s %s:", t->name, shape);
	for (i = 0; i < n && i < 64; i++) {
		const char *p = (const char *) t->data;

		if (t->dtype == ATOLL_DT_FLOAT) {
			float f;

			memcpy(&f, p + 4 * i, 4);
			printf(" %g", (double) f);
		} else if (t->dtype == ATOLL_DT_INT32) {
			int32_t v;

			memcpy(&v, p + 4 * i, 4);
			printf(" %d", v);
		} else if (t->dtype == ATOLL_DT_INT8) {
			printf(" %d", (int8_t) p[i]);
		} else {
			printf(" %u", (uint8_t) p[i]);
		}
	}
	printf("%s\n", n > 64 ? " ..." : "");
}

static int print_outputs(atoll_dev *dev, const atoll_bundle *b)
{
	uint32_t i;

	for (i = 0; i < b->ntensors; i++) {
		atoll_tensor t;

		if (b->tensors[i].role != ATOLL_ROLE_OUTPUT)
			continue;
		if (read_output(dev, b, b->tensors[i].name, &t) < 0)
			return -1;
		print_tensor(&t);
		atoll_tensor_clear(&t);
	}
	return 0;
}

static int write_outputs(atoll_dev *dev, const atoll_bundle *b,
	struct binding *out, int nout)
{
	atoll_diag d;
	int k;

	memset(&d, 0, sizeof(d));
	for (k = 0; k < nout; k++) {
		atoll_tensor t;
		int r;

		if (read_output(dev, b, out[k].name, &t) < 0)
			return -1;
		r = atoll_tensor_pb_write(out[k].path, &t, &d);
		atoll_tensor_clear(&t);
		if (r < 0) {
			fprintf(stderr, "atoll run: %s\n", d.msg);
			return -1;
		}
	}
	return 0;
}

/* Compare output "name" byte for byte with the tensor in "path". */
static int expect_output(atoll_dev *dev, const atoll_bundle *b,
	const struct binding *e)
{
	atoll_tensor got, want;
	atoll_diag d;
	size_t i, bad = 0;
	int r = -1;

	memset(&d, 0, sizeof(d));
	memset(&want, 0, sizeof(want));
	if (read_output(dev, b, e->name, &got) < 0)
		return -1;
	if (atoll_tensor_pb_read(e->path, &want, &d) < 0) {
		fprintf(stderr, "atoll run: %s\n", d.msg);
		goto done;
	}
	if (check_tensor(find_tensor(b, e->name, ATOLL_ROLE_OUTPUT), &want,
			 e->path) < 0)
		goto done;
	for (i = 0; i < got.nbytes; i++)
		if (((uint8_t *) got.data)[i] != ((uint8_t *) want.data)[i] &&
		    bad++ < 5)
			fprintf(stderr, "  %s byte %zu: got 0x%02x, expected "
				"0x%02x\n", e->name, i,
				((uint8_t *) got.data)[i],
				((uint8_t *) want.data)[i]);
	if (bad) {
		fprintf(stderr, "atoll run: output '%s' differs from %s in %zu "
			"of %zu bytes\n", e->name, e->path, bad, got.nbytes);
		goto done;
	}
	printf("output %s matches %s (%zu bytes)\n", e->name, e->path,
		got.nbytes);
	r = 0;
done:
	atoll_tensor_clear(&got);
	atoll_tensor_clear(&want);
	return r;
}

static int is_timing_counter(int i)
{
	return i == ATOLL_CNT_CYCLES || (i >= ATOLL_CNT_BUSY_DMAIN &&
		i <= ATOLL_CNT_STALL_ACT);
}

/* Compare every traffic counter measured by the backend with the
 * compiler's prediction recorded in the bundle.
 */
static int check_traffic(const atoll_bundle *b, const uint64_t *measured)
{
	uint64_t pred[32];
	int i, bad = 0;

	bundle_totals(b, pred);
	printf("traffic check (predicted = measured):\n");
	for (i = 0; i < ATOLL_CNT_COUNT; i++) {
		if (is_timing_counter(i))
			continue;
		printf("  %-18s %12llu %12llu %s\n", atoll_counter_key(i),
			(unsigned long long) pred[i],
			(unsigned long long) measured[i],
			pred[i] == measured[i] ? "ok" : "MISMATCH");
		bad += pred[i] != measured[i];
	}
	fflush(stdout);
	if (bad)
		fprintf(stderr, "atoll run: %d traffic counters differ from the "
			"prediction\n", bad);
	return bad ? -1 : 0;
}

static void print_counters(const uint64_t *c)
{
	int i;

	for (i = 0; i < ATOLL_CNT_COUNT; i++)
		printf("  %-18s %llu\n", atoll_counter_key(i),
			(unsigned long long) c[i]);
}

struct run_args {
	const char *bundle, *backend, *hwpath, *report, *trace;
	struct binding in[MAX_BINDINGS], out[MAX_BINDINGS], exp[MAX_BINDINGS];
	int nin, nout, nexp;
	int check_traffic;
	int print;
	unsigned long long budget;
};

static int add_binding(struct binding *v, int *n, const char *arg)
{
	if (*n == MAX_BINDINGS || parse_binding(arg, &v[*n]) < 0)
		return -1;
	(*n)++;
	return 0;
}

static int parse_run(int argc, char **argv, struct run_args *a)
{
	int i;

	for (i = 0; i < argc; i++) {
		const char *s = argv[i];
		int bad = 0;

		if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
			fputs(usage_run, stdout);
			return 1;
		} else if (!strcmp(s, "--backend") && i + 1 < argc) {
			a->backend = argv[++i];
		} else if (!strcmp(s, "--hw") && i + 1 < argc) {
			a->hwpath = argv[++i];
		} else if (!strcmp(s, "--report") && i + 1 < argc) {
			a->report = argv[++i];
		} else if (!strcmp(s, "--trace") && i + 1 < argc) {
			a->trace = argv[++i];
		} else if (!strcmp(s, "--cycle-budget") && i + 1 < argc) {
			char *end;

			a->budget = strtoull(argv[++i], &end, 0);
			bad = *end || !a->budget;
		} else if (!strcmp(s, "--check-traffic")) {
			a->check_traffic = 1;
		} else if (!strcmp(s, "--print")) {
			a->print = 1;
		} else if (!strcmp(s, "--input") && i + 1 < argc) {
			bad = add_binding(a->in, &a->nin, argv[++i]) < 0;
		} else if (!strcmp(s, "--output") && i + 1 < argc) {
			bad = add_binding(a->out, &a->nout, argv[++i]) < 0;
		} else if (!strcmp(s, "--expect") && i + 1 < argc) {
			bad = add_binding(a->exp, &a->nexp, argv[++i]) < 0;
		} else if (s[0] == '-' || a->bundle) {
			return -usage_error("run", "unexpected argument '%s'", s);
		} else {
			a->bundle = s;
		}
		if (bad)
			return -usage_error("run", "bad value '%s'", argv[i]);
	}
	if (!a->bundle)
		return -usage_error("run", "%s", "missing BUNDLE.atb");
	return 0;
}

static void free_bindings(struct run_args *a)
{
	int k;

	for (k = 0; k < a->nin; k++)
		free(a->in[k].name);
	for (k = 0; k < a->nout; k++)
		free(a->out[k].name);
	for (k = 0; k < a->nexp; k++)
		free(a->exp[k].name);
}

static int cmd_run(int argc, char **argv)
{
	struct run_args a;
	atoll_bundle *b = NULL;
	atoll_dev *dev = NULL;
	atoll_run_status st;
	atoll_hwcfg hw;
	char err[512];
	int k, rc = 1, failed = 0;

	memset(&a, 0, sizeof(a));
	a.backend = "ref";
	a.budget = 4000000000ull;
	k = parse_run(argc, argv, &a);
	if (k != 0) {
		free_bindings(&a);
		return k > 0 ? 0 : -k;
	}
	if (load_hw(a.hwpath, &hw) < 0)
		goto done;
	b = atoll_bundle_read(a.bundle, err, sizeof(err));
	if (!b) {
		fprintf(stderr, "atoll run: %s: %s\n", a.bundle, err);
		goto done;
	}
	dev = atoll_dev_open(a.backend, &hw, a.trace, err, sizeof(err));
	if (!dev) {
		fprintf(stderr, "atoll run: %s\n", err);
		goto done;
	}
	if (atoll_dev_load(dev, b) < 0) {
		fprintf(stderr, "atoll run: %s: %s\n", a.bundle,
			atoll_dev_error(dev));
		goto done;
	}
	if (bind_inputs(dev, b, a.in, a.nin) < 0)
		goto done;
	if (atoll_dev_exec(dev, b, a.budget, &st) < 0) {
		fprintf(stderr, "atoll run: %s\n", atoll_dev_error(dev));
		goto done;
	}
	printf("ran %s on %s: %u commands\n", a.bundle, a.backend, b->ncmds);
	print_counters(st.counters);
	fflush(stdout);
	if (write_outputs(dev, b, a.out, a.nout) < 0 ||
	    (a.print && print_outputs(dev, b) < 0))
		goto done;
	for (k = 0; k < a.nexp; k++)
		if (expect_output(dev, b, &a.exp[k]) < 0)
			failed = 1;
	if (a.check_traffic && check_traffic(b, st.counters) < 0)
		failed = 1;
	if (a.report && write_report(a.report,
			report_json(b, st.counters, a.backend)) < 0)
		goto done;
	rc = failed;
done:
	atoll_dev_close(dev);
	atoll_bundle_free(b);
	free_bindings(&a);
	return rc;
}

/* The optimizer's summary and every load-store pair with its fate. */
static void print_optimizer(const char *text)
{
	json_t *o = json_loads(text, 0, NULL), *pairs, *p;
	size_t i;

	if (!o)
		return;
	printf("\noptimizer: %lld load-store pairs in the per-operator "
		"program, %lld eliminated; copies on chip %lld (%lld bytes), "
		"off chip %lld (%lld bytes)\n",
		(long long) json_integer_value(json_object_get(o,
			"load_store_pairs")),
		(long long) json_integer_value(json_object_get(o,
			"load_store_pairs_eliminated")),
		(long long) json_integer_value(json_object_get(o,
			"onchip_copies")),
		(long long) json_integer_value(json_object_get(o,
			"onchip_copy_bytes")),
		(long long) json_integer_value(json_object_get(o,
			"offchip_copies")),
		(long long) json_integer_value(json_object_get(o,
			"offchip_copy_bytes")));
	pairs = json_object_get(o, "pairs");
	json_array_foreach(pairs, i, p) {
		const char *why = json_string_value(json_object_get(p, "why"));

		printf("  %-24s -> %-24s %-28s %s%s\n",
			json_string_value(json_object_get(p, "producer")),
			json_string_value(json_object_get(p, "consumer")),
			json_string_value(json_object_get(p, "tensor")),
			json_is_true(json_object_get(p, "eliminated")) ?
			"eliminated" : "kept: ", why ? why : "");
	}
	json_decref(o);
}

static const char *role_name(uint32_t role)
{
	switch (role) {
	case ATOLL_ROLE_INPUT:
		return "input";
	case ATOLL_ROLE_OUTPUT:
		return "output";
	case ATOLL_ROLE_CONST:
		return "const";
	default:
		return "internal";
	}
}

static int cmd_inspect(int argc, char **argv)
{
	atoll_bundle *b;
	char err[512], line[1024];
	uint64_t tot[32];
	uint32_t i;

	if (argc == 1 && (!strcmp(argv[0], "--help") ||
			  !strcmp(argv[0], "-h"))) {
		fputs(usage_inspect, stdout);
		return 0;
	}
	if (argc != 1 || argv[0][0] == '-')
		return usage_error("inspect", "%s", "expected one BUNDLE.atb");
	b = atoll_bundle_read(argv[0], err, sizeof(err));
	if (!b) {
		fprintf(stderr, "atoll inspect: %s: %s\n", argv[0], err);
		return 1;
	}
	printf("bundle %s: version %u, config 0x%08x, %u commands at 0x%x, "
		"%u constant bytes at 0x%x, %u bytes of device memory\n",
		argv[0], b->version, b->config_id, b->ncmds, b->cmd_addr,
		b->const_bytes, b->const_addr, b->dram_bytes);
	printf("\ntensors:\n");
	for (i = 0; i < b->ntensors; i++) {
		const atoll_btensor *t = &b->tensors[i];

		shape_str(t->dtype, t->rank, t->dims, line, sizeof(line));
		printf("  %-8s %-24s %-24s @0x%08x %8u bytes scale %g zp %d\n",
			role_name(t->role), t->name, line, t->dram_addr,
			t->nbytes, (double) t->scale, t->zero_point);
	}
	printf("\npredicted counters per layer:\n");
	for (i = 0; i < b->ngroups; i++) {
		if (!b->groups[i].ncmds) {
			/* an alias or view, or fused into a later layer */
			printf("  layer %s: no commands\n",
				b->groups[i].name);
			continue;
		}
		printf("  layer %s: commands %u..%u (%u)\n",
			b->groups[i].name, b->groups[i].first_cmd,
			b->groups[i].first_cmd + b->groups[i].ncmds - 1,
			b->groups[i].ncmds);
		print_counters(b->groups[i].counters);
	}
	bundle_totals(b, tot);
	printf("  total:\n");
	print_counters(tot);
	if (b->report_json)
		print_optimizer(b->report_json);
	printf("\ncommands:\n");
	for (i = 0; i < b->ncmds; i++) {
		atoll_cmd_disasm(b->cmds + (size_t) i * ATOLL_CMD_WORDS, line,
			sizeof(line));
		printf("  %5u  %s\n", i, line);
	}
	atoll_bundle_free(b);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(usage_main, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("atoll 0.1 (ISA %d-byte commands, bundle v%u)\n",
			ATOLL_CMD_BYTES, ATOLL_BUNDLE_VERSION);
		return 0;
	}
	if (!strcmp(argv[1], "compile"))
		return cmd_compile(argc - 2, argv + 2);
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 2, argv + 2);
	if (!strcmp(argv[1], "inspect"))
		return cmd_inspect(argc - 2, argv + 2);
	fprintf(stderr, "atoll: unknown command '%s'\n%s", argv[1], usage_main);
	return 2;
}
