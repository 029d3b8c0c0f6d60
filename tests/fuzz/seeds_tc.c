/* Seeds for fuzz_tc_reply: the messages the shaper builds, which have the
 * layout of the kernel's replies. */
#include <stdlib.h>
#include <string.h>

#include <netlink/msg.h>

#include "shaper_int.h"

size_t fuzz_builtin_seeds(uint8_t **bufs, size_t *lens, size_t max);

size_t fuzz_builtin_seeds(uint8_t **bufs, size_t *lens, size_t max)
{
	struct shaper_dir tbf = { .rate = 10000000 }, big = { .rate = 40000000000ull };
	struct shaper_dir htb = { .rate = 20000000, .qdisc = SHAPER_QDISC_HTB,
				  .leaf = SHAPER_LEAF_CAKE };
	struct shaper_dir fq = { .rate = 20000000, .qdisc = SHAPER_QDISC_HTB,
				 .leaf = SHAPER_LEAF_FQ_CODEL };
	struct shaper_dir cake = { .rate = 50000000, .qdisc = SHAPER_QDISC_CAKE };
	struct nl_msg *m[] = {
		sh_build_tbf(3, SH_TBF_HANDLE, &tbf, 1500),         sh_build_tbf(3, SH_TBF_HANDLE, &big, 1500),
		sh_build_htb_root(3),                sh_build_htb_class(3, &htb, 1500),
		sh_build_leaf(3, &htb, 1500),        sh_build_leaf(3, &fq, 1492),
		sh_build_cake(3, &cake, 1492),       sh_build_ingress(3),
		sh_build_filter_police(3, 5000000, 100000),
		sh_build_filter_mirred(3, 9),
	};
	size_t i, n = 0;

	for (i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
		struct nlmsghdr *h;

		if (!m[i])
			continue;
		h = nlmsg_hdr(m[i]);
		if (n < max && (bufs[n] = malloc(h->nlmsg_len)) != NULL) {
			memcpy(bufs[n], h, h->nlmsg_len);
			lens[n++] = h->nlmsg_len;
		}
		nlmsg_free(m[i]);
	}
	return n;
}
