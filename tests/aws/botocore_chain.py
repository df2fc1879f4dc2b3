#!/usr/bin/python3
"""botocore_chain.py HOST PORT USER [REGION]

Resolves credentials with botocore's own default chain, in the environment it is given (HOME,
~/.aws files, AWS_* variables), and prints generate_db_auth_token(HOST, PORT, USER, REGION) --
what `aws rds generate-db-auth-token` prints. Without REGION, botocore's configured region.
On failure prints "ExceptionType: message" on stderr and exits 1. Used by precedence_matrix.py.

One shim, clearly not botocore's own code: Debian 12's botocore (1.29) predates the
AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL settings (botocore >= 1.31), so they are applied here
to the STS clients the credential providers create, as newer botocore does.
"""
import os
import sys

import botocore.session

_create_client = botocore.session.Session.create_client


def _create_client_with_endpoint(self, service_name, *args, **kwargs):
    if service_name == "sts" and not kwargs.get("endpoint_url"):
        url = os.environ.get("AWS_ENDPOINT_URL_STS") or os.environ.get("AWS_ENDPOINT_URL")
        if url:
            kwargs["endpoint_url"] = url
    return _create_client(self, service_name, *args, **kwargs)


botocore.session.Session.create_client = _create_client_with_endpoint


def main(argv):
    host, port, user = argv[1], int(argv[2]), argv[3]
    region = argv[4] if len(argv) > 4 and argv[4] else None
    session = botocore.session.Session()
    try:
        credentials = session.get_credentials()
        if credentials is None:
            raise RuntimeError("no credentials found")
        credentials.get_frozen_credentials()  # refreshes (and refuses) expired ones
        region = region or session.get_config_variable("region")
        client = session.create_client("rds", region_name=region)
        print(client.generate_db_auth_token(host, port, user, Region=region))
    except Exception as e:  # the matrix compares outcomes, not botocore's exception types
        print("%s: %s" % (type(e).__name__, e), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
