/* SPDX-License-Identifier: ISC */
/*
 * kafkamock: a Kafka cluster for the tests, librdkafka's mock cluster
 * speaking the real protocol on 127.0.0.1.  Test-only: no tool links
 * librdkafka.
 *
 * usage: kafkamock [-n BROKERS] [-t TOPIC[:PARTITIONS]]... [-l SECONDS]
 *                  [-a FILE]
 *
 * Prints the bootstrap address on stdout (and into FILE with -a, written
 * whole and renamed into place so a reader never sees half of it), then
 * serves until SIGTERM or SIGINT, or until the time limit (-l, default 120
 * seconds) so that a test that dies never leaves a broker behind.
 * SIGUSR1 takes every broker down (connections closed, none accepted),
 * SIGUSR2 brings them back up.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

static volatile sig_atomic_t	 stop, want_down, want_up;

static void
on_signal(int sig)
{
	switch (sig) {
	case SIGUSR1:
		want_down = 1;
		break;
	case SIGUSR2:
		want_up = 1;
		break;
	default:
		stop = 1;
		break;
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: kafkamock [-n brokers] "
	    "[-t topic[:partitions]]... [-l seconds] [-a file]\n");
	exit(2);
}

static void
set_brokers(rd_kafka_mock_cluster_t *mc, int n, int up)
{
	rd_kafka_resp_err_t	 err;
	int			 id;

	for (id = 1; id <= n; id++) {
		if (up)
			err = rd_kafka_mock_broker_set_up(mc, id);
		else
			err = rd_kafka_mock_broker_set_down(mc, id);
		if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
			fprintf(stderr, "kafkamock: broker %d %s: %s\n", id,
			    up ? "up" : "down", rd_kafka_err2str(err));
	}
	fprintf(stderr, "kafkamock: brokers %s\n", up ? "up" : "down");
}

static int
write_addr(const char *path, const char *addr)
{
	char	 tmp[4096];
	FILE	*f;

	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return (-1);
	if ((f = fopen(tmp, "w")) == NULL)
		return (-1);
	fprintf(f, "%s\n", addr);
	if (fclose(f) != 0)
		return (-1);
	return (rename(tmp, path));
}

int
main(int argc, char *argv[])
{
	rd_kafka_mock_cluster_t	*mc;
	rd_kafka_conf_t		*conf;
	rd_kafka_t		*rk;
	struct sigaction	 sa;
	struct timespec		 t0, now, nap = { 0, 20 * 1000 * 1000 };
	const char		*addrfile = NULL, *topics[64];
	char			 errstr[512], *colon, *end;
	long			 limit = 120, parts;
	int			 brokers = 1, ntopics = 0, ch, i;

	while ((ch = getopt(argc, argv, "a:l:n:t:")) != -1) {
		switch (ch) {
		case 'a':
			addrfile = optarg;
			break;
		case 'l':
			limit = strtol(optarg, &end, 10);
			if (*end != '\0' || limit < 1)
				usage();
			break;
		case 'n':
			brokers = (int)strtol(optarg, &end, 10);
			if (*end != '\0' || brokers < 1 || brokers > 16)
				usage();
			break;
		case 't':
			if (ntopics == (int)(sizeof(topics) / sizeof(*topics)))
				usage();
			topics[ntopics++] = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	sigaction(SIGUSR2, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	conf = rd_kafka_conf_new();
	if (rd_kafka_conf_set(conf, "log_level", "3", errstr,
	    sizeof(errstr)) != RD_KAFKA_CONF_OK) {
		fprintf(stderr, "kafkamock: %s\n", errstr);
		return (1);
	}
	rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
	if (rk == NULL) {
		fprintf(stderr, "kafkamock: %s\n", errstr);
		return (1);
	}
	if ((mc = rd_kafka_mock_cluster_new(rk, brokers)) == NULL) {
		fprintf(stderr, "kafkamock: cannot start the mock cluster\n");
		return (1);
	}
	for (i = 0; i < ntopics; i++) {
		parts = 1;
		if ((colon = strchr(topics[i], ':')) != NULL) {
			*colon = '\0';
			parts = strtol(colon + 1, &end, 10);
			if (*end != '\0' || parts < 1 || parts > 1000)
				usage();
		}
		if (rd_kafka_mock_topic_create(mc, topics[i], (int)parts,
		    brokers < 3 ? brokers : 3) != RD_KAFKA_RESP_ERR_NO_ERROR) {
			fprintf(stderr, "kafkamock: cannot create %s\n",
			    topics[i]);
			return (1);
		}
	}

	printf("%s\n", rd_kafka_mock_cluster_bootstraps(mc));
	fflush(stdout);
	if (addrfile != NULL &&
	    write_addr(addrfile, rd_kafka_mock_cluster_bootstraps(mc)) != 0) {
		fprintf(stderr, "kafkamock: %s: %s\n", addrfile,
		    strerror(errno));
		return (1);
	}

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (!stop) {
		if (want_down) {
			want_down = 0;
			set_brokers(mc, brokers, 0);
		}
		if (want_up) {
			want_up = 0;
			set_brokers(mc, brokers, 1);
		}
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec >= limit) {
			fprintf(stderr, "kafkamock: time limit reached\n");
			break;
		}
		nanosleep(&nap, NULL);
	}
	rd_kafka_mock_cluster_destroy(mc);
	rd_kafka_destroy(rk);
	return (0);
}
