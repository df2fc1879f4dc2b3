#!/usr/bin/python3
"""Prints what botocore itself produces, under a fixed clock, for tide's unit tests to compare
byte for byte:

  botocore_token.py token  HOST PORT USER REGION AKID SECRET TOKEN|- 20150830T123600Z
  botocore_token.py header METHOD URL REGION SERVICE AKID SECRET TOKEN|- 20150830T123600Z BODY

`token` prints rds.generate_db_auth_token(); `header` prints the Authorization header of a
SigV4-signed request. Exit status 3 when botocore is not installed.
"""
import datetime
import sys

try:
    import botocore.auth
    import botocore.awsrequest
    import botocore.credentials
    import botocore.session
except ImportError:
    print("botocore is not installed (Debian: python3-botocore)", file=sys.stderr)
    sys.exit(3)


class FixedClock(datetime.datetime):
    fixed = None

    @classmethod
    def utcnow(cls):
        return cls.fixed


def freeze(stamp):
    FixedClock.fixed = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ")
    botocore.auth.datetime.datetime = FixedClock


def creds(akid, secret, token):
    return botocore.credentials.Credentials(akid, secret, None if token == "-" else token)


def main(argv):
    if argv[1] == "token":
        host, port, user, region, akid, secret, token, stamp = argv[2:10]
        freeze(stamp)
        session = botocore.session.Session()
        session._credentials = creds(akid, secret, token)  # no chain lookup: fully offline
        client = session.create_client("rds", region_name=region,
                                       aws_access_key_id=akid, aws_secret_access_key=secret,
                                       aws_session_token=None if token == "-" else token)
        print(client.generate_db_auth_token(host, int(port), user, Region=region))
    elif argv[1] == "header":
        method, url, region, service, akid, secret, token, stamp, body = argv[2:11]
        freeze(stamp)
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"} if body else {}
        req = botocore.awsrequest.AWSRequest(method=method, url=url, data=body, headers=headers)
        botocore.auth.SigV4Auth(creds(akid, secret, token), service, region).add_auth(req)
        print(req.headers["Authorization"])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
