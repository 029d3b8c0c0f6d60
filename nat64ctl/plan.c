/*
 * plan.c - a plan: the backends' diffs add its changes, nat64ctl prints
 * them as a diff.
 */
#include <stdarg.h>
#include <stdio.h>

#include "nat64_int.h"

void nat64_plan_add(struct nat64_plan *p, enum nat64_change_kind k, const char *fmt, ...)
{
	va_list ap;

	if (p->n >= NAT64_PLAN_MAX)
		return;
	p->ch[p->n].kind = k;
	va_start(ap, fmt);
	vsnprintf(p->ch[p->n].text, sizeof(p->ch[0].text), fmt, ap);
	va_end(ap);
	p->n++;
}

void nat64_plan_print(FILE *f, const struct nat64_plan *plan)
{
	unsigned i;

	if (!plan->n) {
		fprintf(f, "no changes\n");
		return;
	}
	for (i = 0; i < plan->n; i++) {
		char sign = '+';

		switch (plan->ch[i].kind) {
		case NAT64_CH_POOL4_DEL:
			sign = '-';
			break;
		case NAT64_CH_RECREATE:
		case NAT64_CH_TAYGA_CONFIG:
			sign = '~';
			break;
		default:
			break;
		}
		fprintf(f, "%c %s\n", sign, plan->ch[i].text);
	}
}
