/*
 * config.h - acd.conf: INI sections per module, parsed whole, validated,
 * then swapped in; a bad file changes nothing.
 */
#ifndef ACD_CONFIG_H
#define ACD_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "policy.h"
#include "shaper.h"

#define ACD_CONF_DEFAULT "/etc/acd/acd.conf"
#define ACD_CONF_MAX_ERRORS 64

struct acd_config {
	/* [acd] */
	char state_dir[PATH_MAX];
	char log[16];                   /* "syslog" or "stderr" */
	int log_level;                  /* syslog priority: LOG_ERR..LOG_DEBUG */
	/* [control] */
	char socket[108];               /* sun_path */
	char socket_group[64];          /* "" = root's group */
	gid_t socket_gid;
	char telnet[64];                /* "" = off, else "ADDR:PORT" / "[ADDR6]:PORT" */
	char telnet_password_file[PATH_MAX];
	uint32_t telnet_idle_s;
	uint32_t telnet_max_clients;
	/* [pppd] */
	char radattr_dir[PATH_MAX];
	char ifprefix[16];              /* interfaces acd owns, e.g. "ppp" */
	/* [radius] */
	char dictionary[PATH_MAX];
	/* [shaper] */
	enum shaper_qdisc down_qdisc;
	enum shaper_leaf down_leaf;
	enum shaper_upmode up_mode;
	enum shaper_qdisc up_qdisc;
	uint32_t latency_us;
	/* precedence of RADIUS rate sources and the default rates */
	struct policy_config policy;
};

/* Every error of one parse, as "file:line: message". */
struct acd_config_errors {
	unsigned n;
	char msg[ACD_CONF_MAX_ERRORS][320];
};

/* Fill cfg with the built-in defaults. */
void config_defaults(struct acd_config *cfg);

/*
 * Parse a whole file (or, with path NULL, the text in buf) over the
 * defaults.  Keeps going after an error to report all of them.  Returns 0
 * when errs->n == 0, else -EINVAL; a file that cannot be read is one error.
 * cfg is only meaningful when 0 is returned.
 */
int config_parse(const char *path, const char *buf, struct acd_config *cfg,
		 struct acd_config_errors *errs);

/* Split cfg->telnet into an address family, address and port. */
int config_telnet_addr(const char *s, int *af, char *addr, size_t addrlen, unsigned *port);

/* Write cfg as a file that parses back to the same cfg. */
void config_print(FILE *f, const struct acd_config *cfg);

/* The config the lab and a bare `acd` run on. */
extern const char acd_config_embedded[];

#endif
