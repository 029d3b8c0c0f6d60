/*
 * state.c - what must survive a restart of acd: the session records
 * (pppd's pid and the hook's facts cannot be read back from the kernel)
 * and operator overrides.  One JSON file in the state directory, written
 * atomically (temp file, fsync, rename, fsync of the directory), read once
 * at start-up.  Bursts of session changes are saved once, off the event
 * loop (see write_later); overrides and the save at exit are written at
 * once, and a failure to save an override reaches the operator's reply.
 * Before each rename, a file registered with state_sync_fd() (the CoA
 * replay cache) is synced first, so what sessions.json says never reaches
 * the disk ahead of it.
 *
 * A listener of the session core (session.h): every change of a session
 * asks for a save, and is first appended to the journal (sessions.journal,
 * one JSON line per change: the session's whole record, or its end) before
 * the event's caller replies: a hook's or acd.so's event that acd has
 * answered is never lost to a crash between saves (acd.so does not send
 * an answered event again).  Each line has a sequence number; a save
 * records the last one its snapshot holds, renames the journal aside
 * (sessions.journal.SEQ) and, once the new file is in place, deletes the
 * journals it covers.  At start the lines after the file's number are
 * applied to its records (state_replay).  A consumer with data of its own
 * in the records (accounting) registers a state_ext; it reads its part back
 * from the record SESSION_RECONCILED carries.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "acd.h"
#include "log.h"
#include "radattr.h"
#include "state.h"

#define STATE_FILE "sessions.json"
#define JOURNAL_FILE "sessions.journal"
/* a line: one record, its RADIUS attributes escaped (up to 6 bytes each) */
#define JOURNAL_LINE_MAX (6u * RADATTR_MAX_BYTES + 65536u)

/*
 * A copy of what the file holds of each session: the loop takes it (a
 * memcpy per session, microseconds) and the writer thread turns it into
 * JSON, so neither the JSON nor the fsync holds up the loop.
 */
struct state_rec {
	char ifname[16];
	int ifindex;
	char *user;                     /* strdup'd: most are short */
	char ip[16], local_ip[16], ipv6[48], mac[18];
	pid_t pppd_pid;
	time_t started;
	char sid[20];
	bool coa, override;
	uint64_t coa_down, coa_up, ov_down, ov_up;
	char coa_src[80];
	/* what only acd.so's events said (session.h): the path, the
	 * protocols up, the PPPoE sid, the RADIUS attributes (malloc'd) */
	unsigned char via, up_seen;
	bool plugin;
	unsigned psid;
	char *radattr;
	size_t radattr_len;
	unsigned char *ext;             /* the exts' copies, ext_size bytes */
};

struct state_snap {
	size_t n;
	uint64_t seq;                   /* the journal's last line it holds */
	char dir[PATH_MAX];
	unsigned char *ext;             /* n * ext_size bytes */
	struct state_rec r[];
};

static struct state_ext exts[STATE_EXT_MAX];
static size_t nexts, ext_size;

int state_extend(const struct state_ext *e)
{
	size_t i;

	for (i = 0; i < nexts; i++) /* the same consumer again (opened anew): its ctx now */
		if (exts[i].take == e->take && exts[i].put == e->put && exts[i].size == e->size) {
			exts[i].ctx = e->ctx;
			return 0;
		}
	if (nexts >= STATE_EXT_MAX)
		return -ENOSPC;
	exts[nexts++] = *e;
	ext_size += e->size;
	return 0;
}

/*
 * A save costs time in proportion to the table (the snapshot here, the
 * JSON in the writer): saving every STATE_DELAY would make each
 * session of a storm dearer the bigger the table.  So the next save waits
 * STATE_DUTY times what the last one cost in CPU, at least
 * STATE_DELAY and at most STATE_DELAY_MAX: saving stays
 * under 1/STATE_DUTY of a core, and a crash loses at most that many
 * seconds of hook facts (reconcile recovers the rest from the kernel).
 */
#define STATE_DUTY 100

static double thread_cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double snap_cost, write_cost; /* seconds of CPU; write_cost under q_mu */

static void state_snap_free(struct state_snap *sn)
{
	size_t i;

	if (!sn)
		return;
	for (i = 0; i < sn->n; i++) {
		free(sn->r[i].user);
		free(sn->r[i].radattr);
	}
	free(sn->ext);
	free(sn);
}

/* s's record into r, its exts' copies into ext (ext_size bytes).  0, or
 * -ENOMEM (then r holds nothing to free). */
static int rec_take(const struct session *s, struct state_rec *r, unsigned char *ext)
{
	size_t off = 0, j;

	memcpy(r->ifname, s->ifname, sizeof(r->ifname));
	r->ifindex = s->ifindex;
	r->user = strdup(s->user);
	r->radattr = s->radattr ? malloc(s->radattr_len + 1) : NULL;
	if (!r->user || (s->radattr && !r->radattr)) {
		free(r->user);
		free(r->radattr);
		r->user = r->radattr = NULL;
		return -ENOMEM;
	}
	if (r->radattr) {
		memcpy(r->radattr, s->radattr, s->radattr_len + 1);
		r->radattr_len = s->radattr_len;
	}
	memcpy(r->ip, s->ip, sizeof(r->ip));
	memcpy(r->local_ip, s->local_ip, sizeof(r->local_ip));
	memcpy(r->ipv6, s->ipv6_ll, sizeof(r->ipv6));
	memcpy(r->mac, s->mac, sizeof(r->mac));
	r->pppd_pid = s->pppd_pid;
	r->started = s->started;
	memcpy(r->sid, s->acct_session_id, sizeof(r->sid));
	r->coa = s->coa;
	r->coa_down = s->coa_down;
	r->coa_up = s->coa_up;
	memcpy(r->coa_src, s->coa_src, sizeof(r->coa_src));
	r->override = s->override;
	r->ov_down = s->ov_down;
	r->ov_up = s->ov_up;
	r->via = (unsigned char)s->via;
	r->up_seen = s->up_seen;
	r->plugin = s->plugin;
	r->psid = s->sid;
	r->ext = ext;
	for (j = 0; j < nexts; j++) {
		exts[j].take(s, r->ext + off, exts[j].ctx);
		off += exts[j].size;
	}
	return 0;
}

static json_t *state_record(const struct state_rec *s);

/*
 * The journal, on the loop's thread: j_fd open on JOURNAL_FILE once a line
 * was written since the last rotation; j_seq the last line's number.
 */
static int j_fd = -1;
static char j_dir[PATH_MAX];            /* the directory j_fd's file is in */
static uint64_t j_seq;
static bool j_warned;

/* The journal aside as JOURNAL_FILE.SEQ (SEQ its last line's): the
 * snapshot taken now holds every line.  Returns SEQ. */
static uint64_t journal_rotate(const char *dir)
{
	char path[PATH_MAX + 32], aside[PATH_MAX + 64];

	if (j_fd >= 0) {
		close(j_fd);
		j_fd = -1;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, JOURNAL_FILE);
	snprintf(aside, sizeof(aside), "%s.%" PRIu64, path, j_seq);
	if (rename(path, aside) < 0 && errno != ENOENT)
		log_warn("state: cannot set %s aside", path);
	return j_seq;
}

/* name is a journal set aside (JOURNAL_FILE.SEQ, SEQ as journal_rotate
 * writes it: no leading zero): its SEQ in *seq */
static bool journal_aside(const char *name, uint64_t *seq)
{
	const size_t plen = strlen(JOURNAL_FILE ".");
	const char *num = name + plen;
	unsigned long long n;

	if (strncmp(name, JOURNAL_FILE ".", plen) != 0 || !*num || strlen(num) > 20 ||
	    strspn(num, "0123456789") != strlen(num) || (num[0] == '0' && num[1]))
		return false;
	errno = 0;
	n = strtoull(num, NULL, 10);
	*seq = (uint64_t)n;
	return errno == 0;
}

/* Once the file holding every line up to seq is in place: the journals
 * set aside up to it go (file_mu held; from either thread). */
static void journal_drop(const char *dir, uint64_t seq)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	if (!d)
		return;
	while ((e = readdir(d)) != NULL) {
		char path[PATH_MAX + 300];
		uint64_t n;

		if (!journal_aside(e->d_name, &n) || n > seq)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (unlink(path) < 0 && errno != ENOENT)
			log_warn("state: cannot delete %s", path);
	}
	closedir(d);
}

/* line, with its number and a newline, at the journal's end */
static void journal_write(const char *dir, json_t *line)
{
	char path[PATH_MAX + 32], *text;
	size_t len;
	ssize_t n;

	json_object_set_new(line, "seq", json_integer((json_int_t)++j_seq));
	text = json_dumps(line, JSON_COMPACT);
	if (!text)
		return;
	len = strlen(text);
	text[len] = '\n'; /* over the NUL: written by length */
	if (j_fd >= 0 && strcmp(j_dir, dir) != 0) { /* another table's (the unit tests) */
		close(j_fd);
		j_fd = -1;
	}
	if (j_fd < 0) {
		snprintf(path, sizeof(path), "%s/%s", dir, JOURNAL_FILE);
		snprintf(j_dir, sizeof(j_dir), "%s", dir);
		j_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	n = j_fd >= 0 ? write(j_fd, text, len + 1) : -1;
	if (n != (ssize_t)(len + 1)) {
		if (!j_warned) {
			j_warned = true; /* once: the batched saves go on */
			log_warn("state: cannot append to %s/%s: a crash before the next save "
				 "would lose the sessions' latest changes", dir, JOURNAL_FILE);
		}
		/* a line cut short (a full disk) ends its file when read back:
		 * the next line starts another */
		if (n > 0)
			(void)journal_rotate(dir);
	}
	free(text);
}

/* A session's change: its whole record, or its end. */
static void journal_session(struct acd *a, const struct session_event *ev)
{
	struct state_rec r = { 0 };
	unsigned char *ext = NULL;
	json_t *line = NULL;

	if (ev->type == SESSION_DOWN) {
		line = json_pack("{s:s,s:i}", "gone", ev->s->ifname, "ifindex", ev->s->ifindex);
	} else if ((!ext_size || (ext = malloc(ext_size))) && rec_take(ev->s, &r, ext) == 0) {
		line = json_pack("{s:o}", "rec", state_record(&r));
		free(r.user);
		free(r.radattr);
	}
	free(ext);
	if (!line) {
		log_warnx("state: out of memory: %s's change is not in the journal", ev->s->ifname);
		return;
	}
	journal_write(a->cfg.state_dir, line);
	json_decref(line);
}

static struct state_snap *state_snapshot(struct acd *a)
{
	struct state_snap *sn = malloc(sizeof(*sn) + (size_t)a->sess.n * sizeof(sn->r[0]));
	struct session *s;
	size_t i = 0;

	if (!sn)
		return NULL;
	sn->ext = ext_size && a->sess.n ? malloc((size_t)a->sess.n * ext_size) : NULL;
	if (ext_size && a->sess.n && !sn->ext) {
		free(sn);
		return NULL;
	}
	snprintf(sn->dir, sizeof(sn->dir), "%s", a->cfg.state_dir);
	for (s = a->sess.list; s && i < a->sess.n; s = s->next, i++) {
		if (rec_take(s, &sn->r[i], sn->ext ? sn->ext + i * ext_size : NULL) < 0) {
			sn->n = i;
			state_snap_free(sn);
			return NULL;
		}
	}
	sn->n = i;
	/* the journal's lines so far are in this snapshot: aside with them,
	 * to be deleted once it is on disk */
	sn->seq = journal_rotate(sn->dir);
	return sn;
}

/* One session's record as a JSON object (the caller decrefs it). */
static json_t *state_record(const struct state_rec *s)
{
	json_t *o = json_object();
	size_t i, off = 0;

	json_object_set_new(o, "ifname", json_string(s->ifname));
	json_object_set_new(o, "ifindex", json_integer(s->ifindex));
	json_object_set_new(o, "user", json_string(s->user ? s->user : ""));
	json_object_set_new(o, "ip", json_string(s->ip));
	json_object_set_new(o, "local_ip", json_string(s->local_ip));
	json_object_set_new(o, "ipv6", json_string(s->ipv6));
	json_object_set_new(o, "mac", json_string(s->mac));
	json_object_set_new(o, "pppd_pid", json_integer(s->pppd_pid));
	json_object_set_new(o, "started", json_integer((json_int_t)s->started));
	json_object_set_new(o, "acct_session_id", json_string(s->sid));
	if (s->coa) {
		json_object_set_new(o, "coa_down", json_integer((json_int_t)s->coa_down));
		json_object_set_new(o, "coa_up", json_integer((json_int_t)s->coa_up));
		json_object_set_new(o, "coa_source", json_string(s->coa_src));
	}
	if (s->override) {
		json_object_set_new(o, "override_down", json_integer((json_int_t)s->ov_down));
		json_object_set_new(o, "override_up", json_integer((json_int_t)s->ov_up));
	}
	if (s->via != SESSION_VIA_NONE)
		json_object_set_new(o, "via", json_string(session_via_name(s->via)));
	if (s->plugin) {
		json_object_set_new(o, "plugin", json_true());
		json_object_set_new(o, "up_seen", json_integer(s->up_seen));
	}
	if (s->psid)
		json_object_set_new(o, "pppoe_sid", json_integer(s->psid));
	if (s->radattr)
		json_object_set_new(o, "radattr", json_stringn(s->radattr, s->radattr_len));
	for (i = 0; i < nexts; i++) {
		exts[i].put(s->ext + off, o, exts[i].ctx);
		off += exts[i].size;
	}
	return o;
}

/*
 * Stream the snapshot into f as {"version":1,"sessions":[...]}, one
 * record at a time: building the whole document first cost about 2 KB
 * per session at the peak (45 MB of RSS at 10 000 sessions).  0 or -EIO.
 */
static int state_stream(const struct state_snap *sn, FILE *f)
{
	size_t i;
	int rc = 0;

	if (sn->seq)
		fprintf(f, "{\"version\":1,\"journal_seq\":%" PRIu64 ",\"sessions\":[", sn->seq);
	else
		fputs("{\"version\":1,\"sessions\":[", f);
	for (i = 0; i < sn->n && rc == 0; i++) {
		json_t *o = state_record(&sn->r[i]);

		if (i)
			fputc(',', f);
		if (json_dumpf(o, f, JSON_COMPACT) < 0)
			rc = -EIO;
		json_decref(o);
	}
	fputs("]}\n", f);
	return rc == 0 && !ferror(f) ? 0 : -EIO;
}

/*
 * Writing: temp file, fsync, rename.  The fsync takes milliseconds, which
 * on the event loop would hold up every hook and CoA request behind it,
 * so the debounced saves hand their text to a writer thread.  One mutex
 * (file_mu) covers the files, so a synchronous save and the writer never
 * interleave; generations make sure an older text never replaces a newer
 * one on disk.
 */
static pthread_mutex_t file_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t q_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t q_cv = PTHREAD_COND_INITIALIZER;
static struct state_snap *q_snap;       /* newest snapshot not yet written */
static uint64_t q_gen, gen_next, gen_written;
static bool writer_up, writer_quit;
static pthread_t writer;
static int sync_fd = -1;                /* state_sync_fd(); under file_mu */

void state_sync_fd(int fd)
{
	pthread_mutex_lock(&file_mu);
	sync_fd = fd;
	pthread_mutex_unlock(&file_mu);
}

/* The rename is durable only once the directory is on disk too. */
static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = 0;

	if (fd < 0 || fsync(fd) < 0) {
		rc = -errno;
		log_warn("state: cannot sync the directory %s", dir);
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

/* Write text as the state file of dir; file_mu held.  0 or -errno. */
static int write_file(const struct state_snap *sn)
{
	char path[PATH_MAX + 32], tmp[PATH_MAX + 48];
	FILE *f;
	int fd, rc;

	snprintf(path, sizeof(path), "%s/%s", sn->dir, STATE_FILE);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	/* what the new text may depend on goes to the disk first; a failure
	 * is logged but does not hold the sessions back */
	if (sync_fd >= 0 && fdatasync(sync_fd) < 0)
		log_warn("state: cannot sync the CoA replay cache");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		rc = -errno;
		log_warn("state: cannot write %s", tmp);
		if (fd >= 0)
			close(fd);
		return rc;
	}
	rc = state_stream(sn, f);
	if (fflush(f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && fsync(fd) < 0)
		rc = -errno;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) < 0)
		rc = -errno;
	if (rc) {
		errno = -rc;
		log_warn("state: cannot save %s", path);
		unlink(tmp);
		return rc;
	}
	rc = sync_dir(sn->dir);
	if (rc == 0)
		journal_drop(sn->dir, sn->seq);
	return rc;
}

static int write_gen(const struct state_snap *sn, uint64_t gen)
{
	int rc = 0;

	pthread_mutex_lock(&file_mu);
	if (gen > gen_written) {
		rc = write_file(sn);
		if (rc == 0)
			gen_written = gen;
	}
	pthread_mutex_unlock(&file_mu);
	return rc;
}

static void *writer_main(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&q_mu);
	for (;;) {
		struct state_snap *sn;
		uint64_t gen;
		double t0;

		while (!q_snap && !writer_quit)
			pthread_cond_wait(&q_cv, &q_mu);
		if (!q_snap)
			break;
		sn = q_snap;
		gen = q_gen;
		q_snap = NULL;
		pthread_mutex_unlock(&q_mu);
		t0 = thread_cpu();
		(void)write_gen(sn, gen);
		state_snap_free(sn);
		pthread_mutex_lock(&q_mu);
		write_cost = thread_cpu() - t0;
	}
	pthread_mutex_unlock(&q_mu);
	return NULL;
}

/* Hand a snapshot to the writer (the loop thread only); false if there is none. */
static bool write_later(struct state_snap *sn)
{
	if (!writer_up) {
		sigset_t all, old;

		/* signals stay with the event loop's thread */
		sigfillset(&all);
		pthread_sigmask(SIG_SETMASK, &all, &old);
		writer_up = pthread_create(&writer, NULL, writer_main, NULL) == 0;
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		if (!writer_up)
			return false;
	}
	pthread_mutex_lock(&q_mu);
	state_snap_free(q_snap); /* an older one nobody has written yet: superseded */
	q_snap = sn;
	q_gen = ++gen_next;
	pthread_cond_signal(&q_cv);
	pthread_mutex_unlock(&q_mu);
	return true;
}

int state_save(struct acd *a)
{
	struct state_snap *sn = state_snapshot(a);
	int rc;

	if (!sn)
		return -ENOMEM;
	rc = write_gen(sn, ++gen_next);
	state_snap_free(sn);
	return rc;
}

void state_flush(void)
{
	if (!writer_up)
		return;
	pthread_mutex_lock(&q_mu);
	writer_quit = true;
	pthread_cond_signal(&q_cv);
	pthread_mutex_unlock(&q_mu);
	pthread_join(writer, NULL); /* it writes what is queued first */
	writer_up = false;
	writer_quit = false;
}

static ev_timer st_timer;
static bool st_timer_init;

static void on_state_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct acd *a = w->data;
	struct state_snap *sn;
	double t0 = thread_cpu();

	(void)loop;
	(void)revents;
	sn = state_snapshot(a);
	snap_cost = thread_cpu() - t0;
	if (!sn)
		return;
	if (!write_later(sn)) {
		(void)write_gen(sn, ++gen_next);
		state_snap_free(sn);
	}
}

void state_later(struct acd *a)
{
	if (!a->loop) {
		(void)state_save(a);
		return;
	}
	if (!st_timer_init) {
		ev_timer_init(&st_timer, on_state_timer, STATE_DELAY, 0);
		st_timer.data = a;
		st_timer_init = true;
	}
	if (!ev_is_active(&st_timer)) {
		double delay, cost;

		pthread_mutex_lock(&q_mu);
		cost = snap_cost + write_cost;
		pthread_mutex_unlock(&q_mu);
		delay = cost * STATE_DUTY;
		if (delay < STATE_DELAY)
			delay = STATE_DELAY;
		if (delay > STATE_DELAY_MAX)
			delay = STATE_DELAY_MAX;
		/* libev keeps what is left of the last run in the watcher
		 * (nothing, once it fired): without a fresh set it would
		 * fire at once and save once per session again */
		ev_timer_set(&st_timer, delay, 0);
		ev_timer_start(a->loop, &st_timer);
	}
}

/* The state file as it was written, or NULL (none, or unreadable: said). */
json_t *state_load(const char *dir)
{
	char path[PATH_MAX + 32];
	json_error_t jerr;
	json_t *root;

	snprintf(path, sizeof(path), "%s/%s", dir, STATE_FILE);
	root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
	if (!root) {
		if (access(path, F_OK) == 0)
			log_warnx("state: %s:%d: %s: starting without saved sessions", path,
				  jerr.line, jerr.text);
		return NULL;
	}
	if (!json_is_array(json_object_get(root, "sessions"))) {
		log_warnx("state: %s: no session list: ignored", path);
		json_decref(root);
		return NULL;
	}
	return root;
}

/* The saved records by interface name: one pass, so a restart with
 * 10 000 sessions does not search the array 10 000 times. */
json_t *state_index(json_t *state)
{
	json_t *idx = json_object(), *arr = json_object_get(state, "sessions"), *o;
	size_t i;

	if (!idx)
		return NULL;
	json_array_foreach(arr, i, o) {
		const char *name = json_string_value(json_object_get(o, "ifname"));

		if (name)
			(void)json_object_set(idx, name, o);
	}
	return idx;
}

/* One journal line applied to idx when it comes after the file (seq
 * above after).  Its number, or 0 when it is not a line of ours (it ends
 * the file). */
static uint64_t replay_line(const char *line, size_t len, json_t *idx, uint64_t after)
{
	json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, NULL), *rec, *old;
	json_int_t seq = json_integer_value(json_object_get(o, "seq"));
	const char *gone = json_string_value(json_object_get(o, "gone"));
	const char *name;

	rec = json_object_get(o, "rec");
	name = json_string_value(json_object_get(rec, "ifname"));
	if (!json_is_object(o) || seq <= 0 || (!gone && !(json_is_object(rec) && name))) {
		json_decref(o);
		return 0;
	}
	if ((uint64_t)seq > after) {
		if (gone) { /* its end: the record goes if it is that link's */
			old = json_object_get(idx, gone);
			if (old && json_integer_value(json_object_get(old, "ifindex")) ==
					   json_integer_value(json_object_get(o, "ifindex")))
				(void)json_object_del(idx, gone);
		} else {
			(void)json_object_set(idx, name, rec);
		}
	}
	json_decref(o);
	return (uint64_t)seq;
}

/* One journal file's lines applied; *applied counts those after the file.
 * A line that is not one of ours (a crash mid-write) ends it. */
static void replay_file(const char *path, char *buf, json_t *idx, uint64_t after,
			unsigned *applied)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	unsigned line = 0;
	uint64_t seq;
	FILE *f;

	if (fd < 0) {
		if (errno != ENOENT)
			log_warn("state: cannot read the journal %s", path);
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || !(f = fdopen(fd, "r"))) {
		log_warnx("state: %s: not a regular file: ignored", path);
		close(fd);
		return;
	}
	while (fgets(buf, (int)JOURNAL_LINE_MAX, f)) {
		size_t len = strlen(buf);

		line++;
		if (!len || buf[len - 1] != '\n' ||
		    !(seq = replay_line(buf, len - 1, idx, after))) {
			log_warnx("state: %s:%u: not a whole journal line: the rest is ignored", path,
				  line);
			break;
		}
		if (seq > j_seq)
			j_seq = seq;
		if (seq > after)
			(*applied)++;
	}
	fclose(f);
}

static int seq_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int state_replay(const char *dir, json_t *state, json_t *idx)
{
	json_int_t after = json_integer_value(json_object_get(state, "journal_seq"));
	uint64_t *v = NULL, *nv;
	size_t n = 0, cap = 0, i;
	unsigned applied = 0;
	char path[PATH_MAX + 80], *buf;
	struct dirent *e;
	DIR *d;

	if (after < 0)
		after = 0;
	if ((uint64_t)after > j_seq)
		j_seq = (uint64_t)after;
	if (!idx || !(d = opendir(dir)))
		return 0;
	/* the files set aside, in their order, then the journal */
	while ((e = readdir(d)) != NULL) {
		uint64_t seq;

		if (!journal_aside(e->d_name, &seq))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			nv = realloc(v, cap * sizeof(*v));
			if (!nv)
				break;
			v = nv;
		}
		v[n++] = seq;
	}
	closedir(d);
	buf = malloc(JOURNAL_LINE_MAX);
	if (buf) {
		if (n)
			qsort(v, n, sizeof(*v), seq_cmp);
		for (i = 0; i < n; i++) {
			snprintf(path, sizeof(path), "%s/%s.%" PRIu64, dir, JOURNAL_FILE, v[i]);
			replay_file(path, buf, idx, (uint64_t)after, &applied);
		}
		snprintf(path, sizeof(path), "%s/%s", dir, JOURNAL_FILE);
		replay_file(path, buf, idx, (uint64_t)after, &applied);
	}
	free(buf);
	free(v);
	if (applied)
		log_notice("state: %u change(s) from the journal, newer than %s/%s", applied, dir,
			   STATE_FILE);
	return (int)applied;
}

/* Every change of a session is in the journal at once and saved soon (a
 * session found again at start-up is what the file and the kernel say: it
 * is saved, not journaled); a link gone waits for its end. */
static void on_session(const struct session_event *ev, void *ctx)
{
	if (ev->type == SESSION_GONE)
		return;
	if (ev->type != SESSION_RECONCILED)
		journal_session(ctx, ev);
	state_later(ctx);
}

int state_open(struct acd *a)
{
	const struct session_listener l = { .event = on_session, .ctx = a };

	return session_listen(&a->sess, &l);
}
