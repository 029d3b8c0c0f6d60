/*
 * acdctl - acd's command-line client, and the pppd hook program.
 *
 *   acdctl [-j] [-s SOCKET] COMMAND ...
 *   acdctl hook ip-up|ip-down|ipv6-up|ipv6-down ARGS...   (from /etc/ppp/ip-up.d)
 *   acdctl -h|--help, acdctl --version
 *
 * Options end at the first word that is not one ("+"): everything after
 * the command is its, and pppd's arguments after `hook EVENT` are never
 * taken for options, whatever they look like.  The commands, their words
 * and their usage come from acd's table (cmdtab.c), as telnet's do.
 *
 * Exit status: 0 success, 1 acd refused the request (no such session, bad
 * rate, ...), 2 usage error, 3 acd could not be reached in time (monitor:
 * also when acd closes the stream).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "acd_version.h"
#include "cmdtab.h"
#include "proto.h"
#include "render.h"
#include "shaper.h"

#define EXIT_REFUSED 1
#define EXIT_USAGE 2
#define EXIT_UNREACHABLE 3

static const char *sock_path = ACD_SOCKET_DEFAULT;
static int json_out;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Why call() got no reply: the hook's message says what happens next. */
enum call_fail {
	CALL_DOWN,                      /* nothing listens: acd is not running */
	CALL_SILENT,                    /* acd is there but did not answer in time */
	CALL_BROKEN,                    /* no access, a broken connection or reply */
};

/*
 * A socket connected to acd (blocking as asked), or -1 with errno set.  A
 * full listen backlog (EAGAIN: acd is busy, not down) is tried again every
 * 10 ms until deadline (of now_ms()).
 */
static int connect_acd(long long deadline, bool nonblock)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, e;

	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", sock_path);
	for (;;) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (fd < 0)
			return -1;
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			break;
		e = errno;
		close(fd);
		if (e != EAGAIN || now_ms() + 10 >= deadline) {
			errno = e;
			return -1;
		}
		(void)poll(NULL, 0, 10);
	}
	if (!nonblock && fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* The message of a failed connect_acd(), and its kind. */
static enum call_fail connect_error(int e, int timeout_ms, char *err, size_t errlen)
{
	if (e == EAGAIN) {
		snprintf(err, errlen, "acd at %s did not accept the connection within %d ms "
			 "(its queue is full: busy)", sock_path, timeout_ms);
		return CALL_SILENT;
	}
	if (e == ENOENT || e == ECONNREFUSED) {
		snprintf(err, errlen, "acd is not running (%s: %s)", sock_path, strerror(e));
		return CALL_DOWN;
	}
	snprintf(err, errlen, "cannot reach acd at %s: %s%s", sock_path, strerror(e),
		 e == EACCES ? " (the socket's group is acd.conf's [control] group)" : "");
	return CALL_BROKEN;
}

/* Connect, send one request, read one reply line; timeout_ms < 0: forever.
 * NULL with err set and *why when there is no reply. */
static json_t *call(json_t *req, int timeout_ms, enum call_fail *why, char *err,
		    size_t errlen)
{
	long long deadline = timeout_ms < 0 ? LLONG_MAX : now_ms() + timeout_ms;
	char *buf = NULL;
	size_t len = 0, cap = 0, sent = 0, n;
	char *text, *nl;
	json_error_t jerr;
	json_t *reply;
	int fd;

	fd = connect_acd(deadline, true);
	if (fd < 0) {
		*why = connect_error(errno, timeout_ms, err, errlen);
		return NULL;
	}
	*why = CALL_BROKEN;
	text = json_dumps(req, JSON_COMPACT);
	n = strlen(text);
	text[n++] = '\n'; /* over the terminating NUL: the request is one line */
	for (;;) {
		struct pollfd p = { .fd = fd, .events = sent < n ? POLLOUT : POLLIN };
		int wait = timeout_ms < 0 ? -1 : (int)(deadline - now_ms());
		ssize_t r;

		if (timeout_ms >= 0 && wait <= 0) {
			snprintf(err, errlen, "acd at %s did not answer within %d ms", sock_path,
				 timeout_ms);
			*why = CALL_SILENT;
			break;
		}
		if (poll(&p, 1, wait) <= 0)
			continue;
		if (sent < n) {
			r = send(fd, text + sent, n - sent, MSG_NOSIGNAL);
			if (r < 0 && errno == EPIPE) {
				sent = n; /* acd closed: read what it said first (EBUSY) */
				continue;
			}
			if (r < 0 && errno != EAGAIN && errno != EINTR) {
				snprintf(err, errlen, "acd closed the connection: %s", strerror(errno));
				break;
			}
			if (r > 0)
				sent += (size_t)r;
			continue;
		}
		if (cap - len < 65536) {
			char *nb;

			if (cap >= ACD_REPLY_MAX) {
				snprintf(err, errlen, "reply too long");
				break;
			}
			nb = realloc(buf, cap ? cap * 2 : 65536);
			if (!nb) {
				snprintf(err, errlen, "out of memory");
				break;
			}
			buf = nb;
			cap = cap ? cap * 2 : 65536;
		}
		r = read(fd, buf + len, cap - len);
		if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
			snprintf(err, errlen, "acd closed the connection without a reply");
			break;
		}
		if (r < 0)
			continue;
		/* only the new bytes can hold the end of the line */
		nl = memchr(buf + len, '\n', (size_t)r);
		len += (size_t)r;
		if (nl) {
			free(text);
			close(fd);
			reply = json_loadb(buf, (size_t)(nl - buf), 0, &jerr);
			if (!reply)
				snprintf(err, errlen, "acd sent a malformed reply: %s", jerr.text);
			free(buf);
			return reply;
		}
	}
	free(buf);
	free(text);
	close(fd);
	return NULL;
}

static int run(const char *cmd, json_t *args)
{
	json_t *req = json_pack("{s:i,s:s,s:o}", "v", ACD_PROTO_VERSION, "cmd", cmd, "args",
				args ? args : json_object());
	enum call_fail why;
	char err[512];
	json_t *reply = call(req, 10000, &why, err, sizeof(err));
	json_t *data;
	int rc = 0;

	json_decref(req);
	if (!reply) {
		fprintf(stderr, "acdctl: %s\n", err);
		return EXIT_UNREACHABLE;
	}
	if (!json_is_true(json_object_get(reply, "ok"))) {
		fprintf(stderr, "acdctl: %s\n", json_string_value(json_object_get(reply, "error")) ?: "error");
		if (json_out) {
			json_dumpf(reply, stdout, JSON_COMPACT);
			putchar('\n');
		}
		json_decref(reply);
		return EXIT_REFUSED;
	}
	data = json_object_get(reply, "data");
	if (json_out) {
		json_dumpf(data, stdout, JSON_COMPACT);
		putchar('\n');
	} else {
		render_text(stdout, cmd, data);
	}
	json_decref(reply);
	return rc;
}

/* One event line of a monitor stream, as JSON or text. */
static void monitor_print(json_t *o)
{
	const char *ev = json_string_value(json_object_get(o, "event"));
	json_t *s = json_object_get(o, "session");
	const char *v6 = json_string_value(json_object_get(s, "ipv6"));

	if (!ev)
		return;
	if (json_out) {
		json_dumpf(o, stdout, JSON_COMPACT);
		putchar('\n');
		return;
	}
	printf("%s %s user=%s ip=%s%s%s\n", ev, json_string_value(json_object_get(s, "ifname")),
	       json_string_value(json_object_get(s, "user")),
	       json_string_value(json_object_get(s, "ip")), v6 && *v6 ? " ipv6=" : "",
	       v6 && *v6 ? v6 : "");
}

/*
 * monitor: print every event line until acd goes away.  The first line is
 * acd's reply to the request: a refusal (too many clients, ...) exits 1
 * with acd's error.  acd closing the stream (it stopped) exits 3.
 */
static int monitor(void)
{
	const char req[] = "{\"v\":1,\"cmd\":\"monitor\"}\n";
	bool replied = false;
	char buf[65536];
	size_t len = 0;
	int fd;

	fd = connect_acd(now_ms() + 10000, false);
	if (fd < 0) {
		char err[512];

		(void)connect_error(errno, 10000, err, sizeof(err));
		fprintf(stderr, "acdctl: %s\n", err);
		return EXIT_UNREACHABLE;
	}
	/* on EPIPE acd closed at once: what it said first (EBUSY) is read below */
	if (send(fd, req, sizeof(req) - 1, MSG_NOSIGNAL) != (ssize_t)(sizeof(req) - 1) &&
	    errno != EPIPE) {
		fprintf(stderr, "acdctl: acd at %s closed the connection: %s\n", sock_path,
			strerror(errno));
		close(fd);
		return EXIT_UNREACHABLE;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (;;) {
		ssize_t r = read(fd, buf + len, sizeof(buf) - len);
		char *nl;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
		while ((nl = memchr(buf, '\n', len)) != NULL) {
			json_t *o = json_loadb(buf, (size_t)(nl - buf), 0, NULL);

			if (!replied && json_object_get(o, "ok")) {
				replied = true;
				if (!json_is_true(json_object_get(o, "ok"))) {
					fprintf(stderr, "acdctl: monitor: %s\n",
						json_string_value(json_object_get(o, "error")) ?: "refused");
					json_decref(o);
					close(fd);
					return EXIT_REFUSED;
				}
			} else {
				monitor_print(o);
			}
			json_decref(o);
			memmove(buf, nl + 1, len - (size_t)(nl - buf) - 1);
			len -= (size_t)(nl - buf) + 1;
		}
		if (len == sizeof(buf))
			len = 0;
	}
	fprintf(stderr, "acdctl: monitor: acd at %s closed the stream%s: acd stopped, or "
		"dropped this monitor for not reading (its log says which)\n", sock_path,
		replied ? "" : " before it replied");
	close(fd);
	return EXIT_UNREACHABLE;
}

/* What pppd (and Debian's ip-up wrapper) put in the environment. */
static const char *const hook_env[] = {
	"PPPD_PID", "IFNAME", "PEERNAME", "IPLOCAL", "IPREMOTE", "MACREMOTE", "LLLOCAL",
	"LLREMOTE", "CONNECT_TIME", "BYTES_SENT", "BYTES_RCVD", "PPP_IPPARAM", "CALLED_SID",
	"CALLING_SID", "RADIUS_FILTER_ID",
};

static void hook_usage(void)
{
	fprintf(stderr, "acdctl hook: usage: acdctl hook ip-up|ip-down|ipv6-up|ipv6-down "
			"IFACE TTY SPEED LOCAL REMOTE [IPPARAM]\n");
}

/* pppd's hook: args (the table's: event, argv) and pppd's environment.
 * argv[0] is "hook", argv[1] the event, argv[2] the interface. */
static int hook(char **argv, json_t *args)
{
	json_t *env = json_object(), *req, *reply;
	bool up = strcmp(argv[1], "ip-up") == 0 || strcmp(argv[1], "ipv6-up") == 0;
	enum call_fail why;
	const char *next;
	char err[512];
	size_t i;

	for (i = 0; i < sizeof(hook_env) / sizeof(hook_env[0]); i++) {
		const char *v = getenv(hook_env[i]);
		json_t *j = v ? json_string(v) : NULL; /* NULL too for bad UTF-8 */

		if (j)
			json_object_set_new(env, hook_env[i], j);
	}
	json_object_set_new(args, "env", env);
	req = json_pack("{s:i,s:s,s:o}", "v", ACD_PROTO_VERSION, "cmd", "hook", "args", args);
	reply = call(req, ACD_HOOK_TIMEOUT_MS, &why, err, sizeof(err));
	json_decref(req);
	if (!reply) {
		/* pppd carries on, and does not run the hook again: acd finds
		 * the session from the kernel, at its start or by its link
		 * watch (acd(8)) */
		if (why == CALL_DOWN)
			next = up ? "the session runs unshaped until acd starts and finds it"
				  : "acd forgets the session when it starts (its interface is gone)";
		else if (why == CALL_SILENT)
			next = up ? "acd is busy: the session runs unshaped until acd adopts it "
				    "from the kernel, a few seconds after its address came up"
				  : "acd is busy: it ends the session when its interface goes";
		else
			next = up ? "the session runs unshaped until acd adopts it from the kernel "
				    "(a few seconds, if acd runs) or finds it at its start"
				  : "acd ends the session when its interface goes (if it runs) or "
				    "forgets it at its start";
		fprintf(stderr, "acdctl hook %s %s: %s; %s\n", argv[1], argv[2], err, next);
		return EXIT_UNREACHABLE;
	}
	if (!json_is_true(json_object_get(reply, "ok"))) {
		fprintf(stderr, "acdctl hook %s %s: %s\n", argv[1], argv[2],
			json_string_value(json_object_get(reply, "error")) ?: "refused");
		json_decref(reply);
		return EXIT_REFUSED;
	}
	json_decref(reply);
	return 0;
}

/* The usage, the commands' from the table: how each is typed, who may run
 * it, what it does. */
static void usage(FILE *f)
{
	char u[128];
	int w = 0;
	size_t i;

	for (i = 0; i < CMD_COUNT; i++) {
		cmd_usage(&cmd_table[i], u, sizeof(u));
		w = (int)strlen(u) > w ? (int)strlen(u) : w;
	}
	fprintf(f, "usage: acdctl [-j] [-s SOCKET] COMMAND\n"
		   "       acdctl -h | --help | --version\n"
		   "commands, and who may run them (read: a member of the socket's group; admin:\n"
		   "root or a member of acd.conf's [control] admin-group; root: root alone):\n");
	for (i = 0; i < CMD_COUNT; i++) {
		cmd_usage(&cmd_table[i], u, sizeof(u));
		fprintf(f, "  %-*s  %-5s  %s\n", w, u, cmd_perm_name(cmd_table[i].perm),
			cmd_table[i].help);
	}
	fprintf(f, "-j: JSON output.  -h, --help: this help.  --version: print \"acdctl VERSION\".\n"
		   "Exit: 0 ok, 1 refused by acd, 2 usage, 3 acd unreachable.\n"
		   "Socket: -s, else $ACD_SOCKET, else " ACD_SOCKET_DEFAULT ".\n");
}

enum { OPT_VERSION = 256 };

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	const char *env = getenv("ACD_SOCKET");
	const struct cmd *k;
	json_t *args;
	char err[256];
	int c;

	if (env && *env)
		sock_path = env;
	while ((c = getopt_long(argc, argv, "+js:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json_out = 1;
			break;
		case 's':
			sock_path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("acdctl %s\n", ACD_VERSION);
			return 0;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (cmd_parse_words((size_t)argc, argv, &k, &args, err, sizeof(err)) < 0) {
		if (strcmp(argv[0], "hook") == 0) {
			hook_usage();
		} else {
			fprintf(stderr, "acdctl: %s\n", err);
			usage(stderr);
		}
		return EXIT_USAGE;
	}
	switch (k - cmd_table) {
	case CMD_HOOK:
		return hook(argv, args);
	case CMD_MONITOR:
		json_decref(args);
		return monitor();
	default:
		return run(k->name, args);
	}
}
