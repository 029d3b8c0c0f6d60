/*
 * pppd_standin.c - the pppd of the PPPoE benchmark (pppoe.sh), which acd
 * starts for every session: it waits, as a pppd holding its session does,
 * until SIGTERM (acd's, for the client's PADT) ends it, exit 0.  C, not
 * the shell script of netns.acd-pppoe, so that the benchmark measures acd
 * and not how fast this machine starts bash.  At most 10 minutes, should
 * nobody end it.
 */
#include <signal.h>
#include <unistd.h>

static void on_term(int sig)
{
	(void)sig;
	_exit(0);
}

int main(void)
{
	signal(SIGTERM, on_term);
	alarm(600);
	for (;;)
		pause();
}
