"""Runs the service document's three ModifyInstanceToken examples through the
Python binding.

    TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=... python seed.py [ENDPOINT]
"""
import os
import sys

import tcr


def main() -> int:
    endpoint = sys.argv[1] if len(sys.argv) > 1 else None
    with tcr.Client(secret_id=os.environ.get("TENCENTCLOUD_SECRET_ID"),
                    secret_key=os.environ.get("TENCENTCLOUD_SECRET_KEY"),
                    session_token=os.environ.get("TENCENTCLOUD_SESSION_TOKEN"),
                    region=os.environ.get("TENCENTCLOUD_REGION", "ap-guangzhou"),
                    endpoint=endpoint, timeout=10) as client:
        registry, token = "tcr-12345", "2ab3af0d-893d-423f-91b1-27713566f95f"
        try:
            for label, kwargs in [("Example 1, enable:            ", dict(enable=True)),
                                  ("Example 2, disable:           ", dict(enable=False)),
                                  ('Example 3, description "aaa":', dict(desc="aaa", modify_flag=1))]:
                result = client.modify_instance_token(registry, token, **kwargs)
                print(label, "RequestId", result.request_id)
        except tcr.TcrError as error:
            print(error, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
