/*
 * acd - the access concentrator daemon.
 *
 *   acd [-d] [-c FILE]     run (-d: stay in the foreground, log to stderr)
 *   acd -n [-v] [-c FILE]  check the config, and the files acd reads at
 *                          start; -v prints it as parsed
 *   acd -h|--help, acd --version
 *
 * SIGHUP reloads the config (a bad file keeps the running one).  SIGTERM
 * and SIGINT exit cleanly and leave every subscriber shaped: sessions
 * outlive acd, and the next start reconciles them.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "acct.h"
#include "acd.h"
#include "reload.h"
#include "acd_version.h"
#include "log.h"
#include "metrics.h"
#include "natmon.h"
#include "ipv6.h"
#include "pppoe.h"
#include "rtnl.h"
#include "sessfx.h"
#include "sessrad.h"
#include "state.h"

enum { OPT_VERSION = 256 };     /* --version: no short option (-v is verbose) */

static void usage(FILE *f)
{
	fprintf(f, "usage: acd [-d] [-c FILE]\n"
		   "       acd -n [-v] [-c FILE]\n"
		   "       acd -h | --help | --version\n"
		   "  -c FILE     config file (default: the built-in config)\n"
		   "  -d          foreground, log to stderr\n"
		   "  -n          check the config and the files it names, and exit\n"
		   "              (every error as file:line: message)\n"
		   "  -v          with -n: print the config as parsed\n"
		   "  -h, --help  this help\n"
		   "  --version   print \"acd VERSION\" and exit\n");
}

/*
 * Load the config as config_load does (-n: check it as config_check does)
 * and print every error and warning on stderr, however many.  Returns 0
 * when there is no error.
 */
static int load_config(struct acd *a, bool check)
{
	const char *text = a->cfg_path ? NULL : acd_config_embedded;
	struct acd_config_errors *e = calloc(1, sizeof(*e));
	unsigned i;
	int rc;

	if (!e) {
		fprintf(stderr, "acd: out of memory\n");
		return -ENOMEM;
	}
	if (check)
		rc = config_check(a->cfg_path, text, &a->cfg, e);
	else
		rc = config_load(a->cfg_path, text, &a->cfg, e);
	for (i = 0; i < e->n; i++)
		fprintf(stderr, "%s\n", e->msg[i]);
	if (e->more)
		fprintf(stderr, "%s: %u more errors not shown: fix those above and run acd -n again\n",
			a->cfg_path ? a->cfg_path : "(built-in)", e->more);
	for (i = 0; i < e->nwarn; i++)
		fprintf(stderr, "%s\n", e->warn[i]);
	if (e->wmore)
		fprintf(stderr, "%s: warning: %u more warnings not shown\n",
			a->cfg_path ? a->cfg_path : "(built-in)", e->wmore);
	free(e);
	return rc;
}

/* telnet is meant for the box itself: say so when it listens wider */
static void telnet_notice(const struct acd *a)
{
	if (a->telnet && !config_listen_is_loopback(a->cfg.telnet))
		log_notice("telnet: %s is not a loopback address: anyone who reaches it may try "
			   "the password, which crosses the network in clear text; "
			   "use telnet = PORT (127.0.0.1) unless a firewall or VPN guards it",
			   a->cfg.telnet);
}

/* A reload's [nat64]/[dns64]: to the thread, which starts if it was off. */
static void nat_reloaded(struct acd *a, const struct acd_config *old)
{
	(void)old;
	if (a->nat)
		natmon_reconfigure(a->nat, &a->cfg.nat64, a->cfg.nat64_check_s);
	else
		a->nat = natmon_open(&a->cfg.nat64, a->cfg.nat64_check_s);
}

static struct acd_reload_hook nat_hook = { .name = "nat64", .applied = nat_reloaded };

/* [accounting] keeps the settings it opened with: say what waits for a
 * restart. */
static void acct_reloaded(struct acd *a, const struct acd_config *old)
{
	(void)old;
	acct_reload_check(a);
}

static struct acd_reload_hook acct_hook = { .name = "accounting", .applied = acct_reloaded };

/* [pppoe]: interfaces and limits at once; a server a reload turned on
 * opens now (its sessions' records join the state file from now on). */
static void pppoe_reloaded(struct acd *a, const struct acd_config *old)
{
	char err[256] = "";

	(void)old;
	if (a->pppoe) {
		pppoe_reconfigure(a->pppoe);
	} else if (a->cfg.n_pppoe_ifaces) {
		a->pppoe = pppoe_open(a, err, sizeof(err));
		if (!a->pppoe)
			log_warnx("reload: [pppoe] stays off: %s", err);
	}
}

static struct acd_reload_hook pppoe_hook = { .name = "pppoe", .applied = pppoe_reloaded };

/* [ipv6]: the next RA of every session carries the new keys (the pool
 * waits for a restart) */
static void ipv6_reloaded(struct acd *a, const struct acd_config *old)
{
	(void)old;
	ipv6_reconfigure(a->ipv6);
}
static struct acd_reload_hook ipv6_hook = { .name = "ipv6", .applied = ipv6_reloaded };

/* [metrics] allow: the next connection is checked against the new list */
static void metrics_reloaded(struct acd *a, const struct acd_config *old)
{
	(void)old;
	metrics_reconfigure(a->metrics);
}
static struct acd_reload_hook metrics_hook = { .name = "metrics", .applied = metrics_reloaded };

/* the metrics endpoint with no allow-list, beyond the box: say so */
static void metrics_notice(const struct acd *a)
{
	if (a->metrics && !a->cfg.n_metrics_allow && !config_listen_is_loopback(a->cfg.metrics_listen))
		log_notice("metrics: %s is not a loopback address and [metrics] allow is empty: "
			   "anyone who reaches it may read session counts and user names "
			   "(with per-session); add allow = your Prometheus' address",
			   a->cfg.metrics_listen);
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct acd *a = w->data;
	char err[2048];

	(void)revents;
	if (w->signum == SIGHUP) {
		(void)acd_reload(a, err, sizeof(err));
		return;
	}
	log_notice("signal %d: exiting; %u session(s) stay shaped", w->signum, a->sess.n);
	ev_break(loop, EVBREAK_ALL);
}

/* The sessions pppd kept while acd was away, and what the state file
 * says of them. */
static void reconcile(struct acd *a)
{
	json_t *state = state_load(a->cfg.state_dir), *saved = state_index(state);

	(void)state_replay(a->cfg.state_dir, state, saved);
	(void)session_reconcile(&a->sess, saved);
	state_later(a);
	json_decref(saved);
	json_decref(state);
}

int main(int argc, char **argv)
{
	static struct acd acd;
	struct acd *a = &acd;
	ev_signal sig[3];
	static const int signums[] = { SIGHUP, SIGTERM, SIGINT };
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	bool check = false, verbose = false, fg = false;
	struct shaper_caps caps;
	char err[2048], probe_err[512] = "";
	int probe_rc;
	int c, i;

	while ((c = getopt_long(argc, argv, "c:dnvh", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			a->cfg_path = optarg;
			break;
		case 'd':
			fg = true;
			break;
		case 'n':
			check = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("acd %s\n", ACD_VERSION);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	/* what the kernel can shape with decides [shaper] profile auto */
	if (shaper_open(&a->sh) < 0)
		fatalx("cannot open a netlink socket");
	probe_rc = shaper_probe(a->sh, &caps);
	if (probe_rc == 0)
		config_shaper_caps(&caps);
	else
		snprintf(probe_err, sizeof(probe_err), "%s", shaper_errmsg(a->sh));
	if (load_config(a, check) < 0)
		return 1;
	if (check) {
		if (verbose)
			config_print(stdout, &a->cfg);
		printf("shaper: %s\n", a->cfg.shape_why);
		if (!verbose)
			printf("%s: OK\n", a->cfg_path ? a->cfg_path : "(built-in)");
		shaper_close(a->sh);
		return 0;
	}
	log_init(fg || strcmp(a->cfg.log, "stderr") == 0, a->cfg.log_level);
	if (fg)
		log_pin_stderr(); /* -d: a reload to log = syslog keeps stderr */
	signal(SIGPIPE, SIG_IGN);
	if (mkdir(a->cfg.state_dir, 0700) < 0 && errno != EEXIST)
		fatal("state-dir %s", a->cfg.state_dir);
	if (probe_rc < 0)
		log_warnx("shaper: %s", probe_err);
	log_notice("shaper: %s", a->cfg.shape_why);
	if (sessrad_init(a) < 0)
		fatalx("radius dictionary %s cannot be loaded", a->cfg.dictionary);
	/* not libev's default loop: that one reaps every child in its SIGCHLD
	 * handler, which would steal the exit status of the programs the
	 * NAT64 thread runs (jool, tayga, named-checkconf) and waits for */
	a->loop = ev_loop_new(EVFLAG_AUTO);
	if (!a->loop)
		fatalx("cannot create the event loop");
	a->started = time(NULL);
	sessions_init(&a->sess, a->loop, &a->cfg, &sessfx, a);
	a->ctl = ctl_open(a, err, sizeof(err));
	if (!a->ctl)
		fatalx("control socket: %s", err);
	err[0] = '\0';
	a->telnet = telnet_open(a, err, sizeof(err));
	if (!a->telnet && err[0])
		fatalx("%s", err);
	telnet_notice(a);
	err[0] = '\0';
	a->coa = coa_open(a, err, sizeof(err));
	if (!a->coa && err[0])
		fatalx("%s", err);
	a->nat = natmon_open(&a->cfg.nat64, a->cfg.nat64_check_s);
	acd_reload_hook(a, &nat_hook);
	a->rtnl = rtnl_open(a->loop, err, sizeof(err)); /* before its subscribers */
	if (!a->rtnl)
		fatalx("%s", err);
	err[0] = '\0';
	a->pppoe = pppoe_open(a, err, sizeof(err)); /* answers once the loop runs, after reconcile */
	if (!a->pppoe && err[0])
		fatalx("%s", err);
	acd_reload_hook(a, &pppoe_hook);
	a->ipv6 = ipv6_open(a, err, sizeof(err)); /* after pppoe: a session's line comes first */
	if (!a->ipv6 && err[0])
		fatalx("%s", err);
	acd_reload_hook(a, &ipv6_hook);
	err[0] = '\0';
	a->acct = acct_open(a, err, sizeof(err));
	if (!a->acct && err[0])
		fatalx("%s", err);
	acd_reload_hook(a, &acct_hook);
	a->lw = linkwatch_open(a);
	if (!a->lw)
		fatalx("cannot watch network links (netlink)");
	err[0] = '\0';
	a->metrics = metrics_open(a, err, sizeof(err)); /* reads all of the above */
	if (!a->metrics && err[0])
		fatalx("%s", err);
	metrics_notice(a);
	acd_reload_hook(a, &metrics_hook);
	/* the session core's listeners, in the order they hear an event:
	 * the PPPoE server (its session's line first), the IPv6 edge, accounting (their opens
	 * registered them), the monitor, the state file */
	if (ctl_listen(a->ctl) < 0 || state_open(a) < 0)
		fatalx("too many session listeners");
	reconcile(a);
	for (i = 0; i < 3; i++) {
		ev_signal_init(&sig[i], on_signal, signums[i]);
		sig[i].data = a;
		ev_signal_start(a->loop, &sig[i]);
	}
	log_notice("started: config %s, socket %s, %u session(s)",
		   a->cfg_path ? a->cfg_path : "(built-in)", a->cfg.socket, a->sess.n);
	ev_run(a->loop, 0);

	metrics_close(a->metrics); /* its threads first: none waits for a loop that ended */
	state_flush();
	(void)state_save(a);
	linkwatch_close(a->lw);
	natmon_close(a->nat);
	coa_close(a->coa);
	acct_close(a->acct);
	pppoe_close(a->pppoe); /* its pppds go on, as the shaping does */
	ipv6_close(a->ipv6); /* the sessions' /64s stay routed */
	telnet_close(a->telnet);
	ctl_close(a->ctl);
	rtnl_close(a->rtnl);
	sessions_free(&a->sess); /* the records; the kernel keeps the shaping */
	sessrad_close(a);
	shaper_close(a->sh);
	return 0;
}
