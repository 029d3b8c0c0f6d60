/* noop.c - the spawn floor of storm.sh: a program that does nothing,
 * linked the way acdctl is (static PIE unless ACD_STATIC_ACDCTL is off).
 * No hook program can start and exit faster than this on the machine. */
int main(void)
{
	return 0;
}
