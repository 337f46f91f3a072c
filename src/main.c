/*
 * main.c: argv -> configuration -> mode -> exit code.
 */
#include "tlsladder/app.h"

#include <signal.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	struct cli_config cfg;
	struct tl_error err = { 0, "" };

	signal(SIGPIPE, SIG_IGN);
	if (cli_parse(argc, argv, &cfg, &err) < 0) {
		fprintf(stderr, "tlsladder: %s\n", err.msg);
		return err.code;
	}
	return app_run(&cfg);
}
