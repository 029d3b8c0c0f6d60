/*
 * config.h - acd.conf: INI sections per module, parsed whole, validated,
 * then swapped in; a bad file changes nothing.
 */
#ifndef ACD_CONFIG_H
#define ACD_CONFIG_H

#include <limits.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "conftab.h"
#include "nat64.h"
#include "policy.h"
#include "shaper.h"

#define ACD_CONF_MAX_ERRORS CONF_MAX_ERRORS
#define ACD_TELNET_PASSWORD_MIN 8       /* telnet_open() refuses a shorter one */
#define ACD_TELNET_PASSWORD_BUF 256     /* telnet.c's buffer: 254 bytes and a line end */
#define ACD_COA_MAX_CLIENTS 16
#define ACD_RADIUS_SECRET_MAX 128       /* RFC 2865 sets none; FreeRADIUS warns past 128 */
#define ACD_ACCT_MAX_SERVERS 2          /* [accounting] server: the second is the fallback */
#define ACD_ACCT_SECRET_MAX 95          /* radcli 1.2.11 cuts secrets at 95 bytes */
#define ACD_CONF_MAX_WARNINGS 16        /* kept; those past it are counted */
/* [pppoe] */
#define ACD_PPPOE_MAX_IFACES 64         /* interface lines (a pattern covers many VLANs) */
/* an interface line: a name of 1 to IFNAMSIZ - 1 = 15 bytes, or a pattern
 * of up to 63 (eth1.1[0-9][0-9] is 16: a pattern is longer than the names
 * it matches) */
#define ACD_PPPOE_IFACE_LEN 64
#define ACD_PPPOE_MAX_SERVICES 16       /* service-name lines */
#define ACD_PPPOE_NAME_MAX 64           /* AC-Name, a Service-Name: bytes of the tag */
#define ACD_PPPOE_PPPD_DEFAULT "/usr/sbin/pppd"
#define ACD_PPPOE_PLUGIN_DEFAULT "pppoe.so"     /* ppp 2.4.9 and 2.5; rp-pppoe.so: 2.4.9 */
/* acd's own pppd plugin (pppd-plugin/): sessions' events without hooks;
 * "none" = not loaded */
#define ACD_PPPOE_ACD_PLUGIN_DEFAULT "acd.so"
/* where a plugin named without a '/' is looked for: pppd's directories of
 * every version, as glob(3) patterns (Debian: /usr/lib/pppd/2.4.9) */
#define ACD_PPPD_PLUGIN_DIRS "/usr/lib/pppd/*", "/usr/lib/*/pppd/*"
/* [ipv6] */
#define ACD_IPV6_PREFIX_LEN 52          /* an address as inet_ntop writes it, "/LEN", NUL */
#define ACD_IPV6_DNS_MAX 3              /* RDNSS: RFC 8106 wants a few */
#define ACD_IPV6_SEARCH_MAX 4
#define ACD_IPV6_DOMAIN_LEN 254         /* 253 characters and the NUL */
enum acd_pref64 { ACD_PREF64_AUTO, ACD_PREF64_YES, ACD_PREF64_NO };
/* [pppoe] ppp-scripts: whether a session's pppd runs /etc/ppp/ip-up and
 * ip-down (auto: only when acd.so is not loaded, so they are acd's path) */
enum acd_ppp_scripts { ACD_SCRIPTS_AUTO, ACD_SCRIPTS_YES, ACD_SCRIPTS_NO };

/* [shaper] down-qdisc, leaf, up-mode, up-qdisc: "auto", from the profile */
#define ACD_SHAPER_AUTO (-1)

/* ACD_PPPOE_OPTIONS, pppd-options' default: ${sysconfdir}/acd/pppoe-options,
 * from CMake (where conf/pppoe-options is installed) */

/* [coa] client = ADDRESS[/PREFIX] SECRET-FILE: who may send CoA/Disconnect */
struct coa_client_cfg {
	char spec[64];                  /* the address as written, for printing */
	int af;                         /* AF_INET or AF_INET6 */
	uint8_t net[16];                /* network address, host bits zero */
	unsigned prefix;                /* 32/128 for a single host */
	char secret_file[PATH_MAX];
	char secret[ACD_RADIUS_SECRET_MAX + 1]; /* read at load; never printed */
	size_t secret_len;
};

/* [metrics] allow = ADDRESS[/PREFIX]: a client that may scrape */
#define ACD_METRICS_MAX_ALLOW 16
struct acd_net {
	char spec[64];                  /* as written, for printing */
	int af;                         /* AF_INET or AF_INET6 */
	uint8_t net[16];                /* network address, host bits zero */
	unsigned prefix;
};

struct acd_config {
	/* [acd] */
	char state_dir[PATH_MAX];
	char log[16];                   /* "syslog" or "stderr" */
	int log_level;                  /* syslog priority: LOG_ERR..LOG_DEBUG */
	/* [control] */
	char socket[108];               /* sun_path */
	char socket_group[64];          /* "" = root's group */
	gid_t socket_gid;
	char admin_group[64];           /* "" = none: only uid 0 may change things */
	gid_t admin_gid;                /* admin_group's gid; (gid_t)-1 when "" */
	char telnet[64];                /* "" = off, else "ADDR:PORT" / "[ADDR6]:PORT"
					 * (a bare PORT is kept as "127.0.0.1:PORT") */
	char telnet_password_file[PATH_MAX];
	uint32_t telnet_idle_s;
	uint32_t telnet_max_clients;
	/* [pppd] */
	char radattr_dir[PATH_MAX];
	char ifprefix[16];              /* interfaces acd owns, e.g. "ppp" */
	char pid_dir[PATH_MAX];         /* where pppd writes IFNAME.pid */
	uint32_t adopt_after_s;         /* a link with an address and no hook: a session */
	/* [radius] */
	char dictionary[PATH_MAX];
	char nas_identifier[254];       /* "" = the host name */
	char nas_ip[46];                /* "" = any address of this box */
	/* [coa] RFC 5176 Change-of-Authorization and Disconnect server */
	char coa_listen[64];            /* "" = off, else "ADDR:PORT" / "[ADDR6]:PORT" */
	struct coa_client_cfg coa_clients[ACD_COA_MAX_CLIENTS];
	unsigned n_coa_clients;
	bool coa_require_ma;            /* drop requests without Message-Authenticator */
	bool coa_require_timestamp;     /* drop requests without Event-Timestamp */
	uint32_t coa_window_s;          /* Event-Timestamp tolerance and replay window */
	/* [metrics] the Prometheus endpoint (metrics.h) */
	char metrics_listen[64];        /* "" = off, else "ADDR:PORT" / "[ADDR6]:PORT" */
	struct acd_net metrics_allow[ACD_METRICS_MAX_ALLOW]; /* none: anyone who reaches it */
	unsigned n_metrics_allow;
	uint32_t metrics_max_conns;     /* connections at once */
	uint32_t metrics_max_conns_addr; /* ...from one client address */
	uint32_t metrics_max_request;   /* bytes of a request (line and headers) */
	uint32_t metrics_timeout_s;     /* a connection's idle limit */
	bool metrics_sessions;          /* per-session series */
	uint32_t metrics_sessions_max;  /* at most this many sessions' series */
	/* [nat64] and [dns64]: libnat64's, the same keys as nat64ctl's file */
	struct nat64_config nat64;
	uint32_t nat64_check_s;         /* [acd] nat64-check-interval */
	/* [accounting] RADIUS accounting sent by acd (acct.c); off without a server */
	char acct_servers[ACD_ACCT_MAX_SERVERS][64]; /* "ADDRESS[:PORT]" as written */
	unsigned n_acct_servers;
	char acct_secret_file[PATH_MAX];
	char acct_secret[ACD_RADIUS_SECRET_MAX + 1]; /* read at load; never printed */
	size_t acct_secret_len;
	uint32_t acct_interim_s;        /* 0 = no Interim-Update */
	int acct_period;                /* enum acct_period (acct_record.h) */
	uint32_t acct_queue_size;       /* records waiting for the sender thread */
	uint32_t acct_timeout_s;        /* per try, radcli's radius_timeout */
	uint32_t acct_retries;          /* radcli's radius_retries: tries after the first */
	/* [pppoe] acd as the PPPoE access concentrator; off without an interface.
	 * A reload applies every key: interfaces added are answered from then
	 * on, and those taken out no longer (their sessions go on); pppd,
	 * pppd-options, plugin and local-ip are for the sessions that start after
	 * it. */
	char pppoe_ifaces[ACD_PPPOE_MAX_IFACES][ACD_PPPOE_IFACE_LEN]; /* names (1..15
						     * bytes), or fnmatch(3) patterns
						     * ("eth1.*", up to 63) */
	unsigned n_pppoe_ifaces;
	char pppoe_ac_name[ACD_PPPOE_NAME_MAX + 1]; /* "" = the host name */
	char pppoe_services[ACD_PPPOE_MAX_SERVICES][ACD_PPPOE_NAME_MAX + 1];
	unsigned n_pppoe_services;      /* 0 = any service name is accepted */
	bool pppoe_accept_blank;        /* a PADI for a blank Service-Name is answered */
	char pppoe_pppd[PATH_MAX];      /* absolute */
	char pppoe_options[PATH_MAX];   /* absolute; pppd's `file` */
	char pppoe_plugin[PATH_MAX];    /* a name in pppd's plugin directory, or absolute */
	char pppoe_acd_plugin[PATH_MAX]; /* the same for acd.so; "none" = off */
	int pppoe_scripts;              /* enum acd_ppp_scripts */
	char pppoe_local_ip[16];        /* "" = none (the options file's); else dotted quad */
	uint32_t pppoe_max_sessions;    /* 0 = only the session-id space limits */
	uint32_t pppoe_max_per_mac;     /* 0 = no limit */
	uint32_t pppoe_max_starting;    /* pppds starting at once (0 = no limit) */
	uint32_t pppoe_padi_limit;      /* PADIs answered per second: in all, */
	uint32_t pppoe_padi_limit_if;   /* per interface, */
	uint32_t pppoe_padi_limit_mac;  /* per client MAC (each 0 = no limit) */
	uint32_t pppoe_cookie_lifetime; /* s: AC-Cookie validity and key rotation */
	bool pppoe_max_payload;         /* RFC 4638 PPP-Max-Payload when the MTU allows */
	/* [ipv6] the IPv6 edge of each session (ipv6.c): a /64 from the pool,
	 * routed to the session's link and announced in router advertisements
	 * with DNS and PREF64; off without a pool.  A reload applies every key
	 * but the pool (a restart) to the next RA of every session. */
	char ipv6_pool[ACD_IPV6_PREFIX_LEN];    /* "" = off; else as inet_ntop writes it, "/LEN" */
	struct in6_addr ipv6_pool_addr;
	uint8_t ipv6_pool_len;
	bool ipv6_sticky;               /* the same user gets the same /64 (and PD) back */
	char ipv6_pd_pool[ACD_IPV6_PREFIX_LEN]; /* "" = no prefix delegation (DHCPv6 IA_PD) */
	struct in6_addr ipv6_pd_addr;
	uint8_t ipv6_pd_pool_len;
	uint32_t ipv6_pd_len;           /* the delegated prefixes' length */
	bool ipv6_rapid_commit;         /* DHCPv6 Rapid Commit (RFC 8415 §18.3.1) */
	struct in6_addr ipv6_dns[ACD_IPV6_DNS_MAX];
	unsigned n_ipv6_dns;
	char ipv6_search[ACD_IPV6_SEARCH_MAX][ACD_IPV6_DOMAIN_LEN];
	unsigned n_ipv6_search;
	uint32_t ipv6_ra_interval;      /* s: MaxRtrAdvInterval (Min: a third) */
	uint32_t ipv6_router_lifetime;  /* s */
	uint32_t ipv6_valid, ipv6_preferred; /* s: the /64's lifetimes */
	uint32_t ipv6_mtu;              /* 0 = the session link's */
	int ipv6_pref64;                /* enum acd_pref64 */
	/* [shaper]: a profile, and the keys that override parts of it */
	int shaper_profile;             /* enum shaper_profile */
	int down_qdisc;                 /* enum shaper_qdisc, or ACD_SHAPER_AUTO */
	int down_leaf;                  /* enum shaper_leaf (htb's, both ways), or ACD_SHAPER_AUTO */
	int up_mode;                    /* enum shaper_upmode, or ACD_SHAPER_AUTO */
	int up_qdisc;                   /* enum shaper_qdisc, or ACD_SHAPER_AUTO */
	uint32_t latency_us;
	/* not keys: what sessions get, decided at load from the keys above
	 * and what this kernel has (config_shaper_caps); rates left 0 */
	struct shaper_policy shape;
	char shape_why[320];
	/* precedence of RADIUS rate sources and the default rates */
	struct policy_config policy;
};

/* Every error of one parse, as "file:line: message", in line order (checks
 * of one key against another after them, at the line of the key at fault). */
struct acd_config_errors {
	unsigned n;
	unsigned more;                  /* errors past ACD_CONF_MAX_ERRORS: counted only */
	char msg[ACD_CONF_MAX_ERRORS][CONF_ERR_LEN];
	/* what config_load and config_check find odd but not wrong, in the
	 * same form ("file:line: warning: ..."); they do not fail the load */
	unsigned nwarn;
	unsigned wmore;                 /* past ACD_CONF_MAX_WARNINGS: counted only */
	char warn[ACD_CONF_MAX_WARNINGS][CONF_ERR_LEN];
};

/* acd's keys, each once: section, name, type, default, help, whether a
 * reload applies it (lib/conftab.h).  [nat64] and [dns64] are libnat64's
 * nat64_conf_table, read by the same reader. */
extern const struct conf_table acd_conf_table;

/* Fill cfg with the defaults of the tables. */
void config_defaults(struct acd_config *cfg);

/*
 * Parse a whole file (or, with path NULL, the text in buf) over the
 * defaults.  Keeps going after an error to report all of them, every
 * syntax error included.  Returns 0 when there is no error, else -EINVAL;
 * a file that cannot be read is one error.  cfg is only meaningful when 0
 * is returned.  Reads no file but path and the RADIUS secret files.
 */
int config_parse(const char *path, const char *buf, struct acd_config *cfg,
		 struct acd_config_errors *errs);

/*
 * What acd loads at start and at a reload: config_parse, then, with
 * [pppoe] on, what its sessions need on this box (config_check_pppoe's
 * checks, each error at the line of its key, a pattern that matches no
 * interface a warning).  Returns as config_parse: a reload refuses a file
 * that fails.
 */
int config_load(const char *path, const char *buf, struct acd_config *cfg,
		struct acd_config_errors *errs);

/*
 * `acd -n`: config_load, then what acd would fail on at start that a
 * load does not read: the telnet password file (read as telnet_open reads
 * it: regular, root's alone, ACD_TELNET_PASSWORD_MIN characters or more)
 * and the RADIUS dictionary (loaded by radattr_dict_open, as
 * sessrad_init loads it).  Their errors come at the line of their key.
 * Returns as config_parse.
 */
int config_check(const char *path, const char *buf, struct acd_config *cfg,
		 struct acd_config_errors *errs);

/*
 * [pppoe] on this box, for a parsed cfg (nothing when it has no interface):
 * every interface named literally exists (if_nametoindex), pppd is an
 * executable regular file, the plugin is found (a bare name in
 * ACD_PPPD_PLUGIN_DIRS, else its absolute path), and the options file is
 * a readable regular file that others cannot write.  -EINVAL with the
 * errors in err, one a line, each naming its key ("[pppoe] pppd
 * \"/usr/sbin/pppdx\": no such file (install ppp, or set pppd)"); else 0,
 * err holding the warnings (a pattern that matches no interface now) or "".
 * config_load and config_check run the same checks with line numbers.
 */
int config_check_pppoe(const struct acd_config *cfg, char *err, size_t errlen);

/*
 * Whether [pppoe] acd-plugin is to be loaded by each session's pppd: 1
 * when it is set (not "none") and its file is found now (pppd would not
 * start without it: a missing one is a warning of config_check_pppoe, and
 * the sessions' events then come by the hooks), else 0.
 */
int config_pppoe_acd_plugin(const struct acd_config *cfg);
/* 1 if a session's pppd is to run /etc/ppp/ip-up and ip-down, else 0 */
int config_pppoe_scripts(const struct acd_config *cfg);

/*
 * [ipv6] dns's default with [dns64] (BIND): from list (getifaddrs(3)), the
 * address subscribers reach this box's resolver at: a global unicast on a
 * loopback interface, else on any interface up, else a ULA the same way.
 * 0 and *out (and its interface's name), or -1: none.
 */
struct ifaddrs;
int config_ipv6_dns_pick(const struct ifaddrs *list, struct in6_addr *out, char *ifname,
			 size_t ifnamelen);

/*
 * What the kernel can shape with (shaper_probe()), for the loads that
 * follow: config_load and config_check turn [shaper] into cfg->shape with
 * it.  Until it is set (unit tests; acd -n without root) profile auto
 * means tbf down and police up, and nothing is checked against a kernel.
 */
void config_shaper_caps(const struct shaper_caps *caps);

/* Split "ADDR:PORT" / "[ADDR6]:PORT" (cfg->telnet, cfg->coa_listen) into an
 * address family, address and port. */
int config_listen_addr(const char *s, int *af, char *addr, size_t addrlen, unsigned *port);
/* The same as a socket address to bind: 0, or -1 when s does not parse. */
int config_listen_sockaddr(const char *s, struct sockaddr_storage *ss, socklen_t *len);
/* Is s ("ADDR:PORT" / "[ADDR6]:PORT") on a loopback address (127.0.0.0/8,
 * ::1, ::ffff:127.0.0.0/104)?  false when s does not parse. */
bool config_listen_is_loopback(const char *s);

/* Does addr (af, 4 or 16 bytes) fall in a client's network? */
bool config_coa_client_match(const struct coa_client_cfg *c, int af, const void *addr);
/* Is addr (af: AF_INET 4 bytes, AF_INET6 16) inside n? */
bool config_net_match(const struct acd_net *n, int af, const void *addr);

/* Write cfg as a file that parses back to the same cfg. */
void config_print(FILE *f, const struct acd_config *cfg);

/* The config the lab and a bare `acd` run on. */
extern const char acd_config_embedded[];

#endif
