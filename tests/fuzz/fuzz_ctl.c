/* Fuzz target: the control requests acd reads from its socket (JSON) and
 * from telnet (text).  Invariants: never crash or leak; a success names a
 * command of the table and gives an args object; an error has a message. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512], text[8192];
	const char *cmd;
	json_t *args;
	int rc;

	err[0] = '\0';
	rc = ctl_parse_request((const char *)data, size, &cmd, &args, err, sizeof(err));
	if (rc == 0) {
		if (!cmd || !json_is_object(args))
			abort();
		json_decref(args);
	} else if (!err[0] || args) {
		abort();
	}
	if (size >= sizeof(text))
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	err[0] = '\0';
	rc = ctl_parse_text(text, &cmd, &args, err, sizeof(err));
	if (rc == 0) {
		if (!cmd || !json_is_object(args))
			abort();
		json_decref(args);
	} else if (!err[0] || args) {
		abort();
	}
	return 0;
}
