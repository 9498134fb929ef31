/*
 * dnsc-resolve: musl libc's getaddrinfo, run inside a probe namespace as the "musl" resolver path
 * (what an Alpine-based pod resolves). Usage: dnsc-resolve NAME [unspec|inet|inet6]
 * Output, one line each:
 *   ok <canonical name>
 *   addr <address>          (in the order getaddrinfo returned them, duplicates removed)
 * or
 *   error <EAI_*> <gai_strerror text>
 * Exit status: 0 when resolved, 2 when not.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const char *eai_name(int rc) {
	switch (rc) {
	case EAI_NONAME: return "EAI_NONAME";
	case EAI_AGAIN: return "EAI_AGAIN";
	case EAI_FAIL: return "EAI_FAIL";
	case EAI_NODATA: return "EAI_NODATA";
	case EAI_SYSTEM: return "EAI_SYSTEM";
	default: return "EAI_OTHER";
	}
}

int main(int argc, char **argv) {
	if (argc < 2) {
		fprintf(stderr, "usage: %s NAME [unspec|inet|inet6]\n", argv[0]);
		return 64;
	}
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM, .ai_flags = AI_CANONNAME };
	if (argc > 2 && strcmp(argv[2], "inet") == 0) hints.ai_family = AF_INET;
	if (argc > 2 && strcmp(argv[2], "inet6") == 0) hints.ai_family = AF_INET6;
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(argv[1], NULL, &hints, &res);
	if (rc != 0) {
		printf("error %s %s\n", eai_name(rc), gai_strerror(rc));
		return 2;
	}
	printf("ok %s\n", res->ai_canonname ? res->ai_canonname : argv[1]);
	char seen[64][INET6_ADDRSTRLEN];
	int n = 0;
	for (struct addrinfo *ai = res; ai && n < 64; ai = ai->ai_next) {
		char text[INET6_ADDRSTRLEN];
		const void *addr = ai->ai_family == AF_INET6
			? (const void *)&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr
			: (const void *)&((struct sockaddr_in *)ai->ai_addr)->sin_addr;
		if (!inet_ntop(ai->ai_family, addr, text, sizeof text)) continue;
		int dup = 0;
		for (int i = 0; i < n; i++) dup |= strcmp(seen[i], text) == 0;
		if (dup) continue;
		strcpy(seen[n++], text);
		printf("addr %s\n", text);
	}
	freeaddrinfo(res);
	return 0;
}
