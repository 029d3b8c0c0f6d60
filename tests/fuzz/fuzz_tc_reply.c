/* Fuzz target: the readback parsers of kernel tc replies (qdisc, class,
 * filter with actions).  The input is a whole netlink message; its length
 * field is forced to the input size so only the attributes lie. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>
#include <netlink/msg.h>

#include "shaper_int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nlmsghdr *h;
	struct nl_msg *m;
	struct sh_qdisc q;
	struct sh_class c;
	struct sh_filter f;
	struct sh_tree t;
	struct shaper_dir d;

	if (size < sizeof(struct nlmsghdr) || size > 65536)
		return 0;
	h = malloc(size);
	if (!h)
		return 0;
	memcpy(h, data, size);
	h->nlmsg_len = (uint32_t)size;
	m = nlmsg_convert(h);
	free(h);
	if (!m)
		return 0;
	memset(&t, 0, sizeof(t));
	memset(&f, 0, sizeof(f));
	if (sh_parse_qdisc(m, &q) == 0)
		t.root = q;
	if (sh_parse_class(m, &c) == 0)
		t.cls = c;
	(void)sh_parse_filter(m, &f);
	sh_tree_policy(&t, &d);
	nlmsg_free(m);
	return 0;
}
