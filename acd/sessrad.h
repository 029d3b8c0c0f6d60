/*
 * sessrad.h - a session's RADIUS side: the dictionary, the radattr file
 * pppd wrote for it, and the policy its attributes give.
 */
#ifndef ACD_SESSRAD_H
#define ACD_SESSRAD_H

struct acd;
struct session;

/* Load [radius] dictionary, and take part in reloads: a new dictionary is
 * loaded before the new config is taken (one that fails refuses the
 * reload), and every session's policy is read and applied again after. */
int sessrad_init(struct acd *a);
void sessrad_close(struct acd *a);
/* Read the attributes acd.so sent with the session, else radattr.<ifname>, and set the session's radius_* fields: the
 * attributes' rates, else the default; a bad value is logged and counted
 * and gives the default. */
void sessrad_policy(struct acd *a, struct session *s);
/* User-Name from the radattr file, for sessions found at start-up. */
void sessrad_user(struct acd *a, struct session *s);

#endif
