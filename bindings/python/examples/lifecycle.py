"""A long-term access credential from creation to deletion, with asyncio:
CreateInstanceToken, ModifyInstanceToken (disable it), DescribeInstanceToken
(list), DeleteInstanceToken.

    TENCENTCLOUD_SECRET_ID=... TENCENTCLOUD_SECRET_KEY=... TENCENTCLOUD_REGION=... \
    python lifecycle.py REGISTRY-ID [ENDPOINT]
"""
import asyncio
import sys

import tcr


async def main(registry: str, endpoint: "str | None") -> int:
    # Credentials and region from the environment (or a profile, or a CVM role).
    async with tcr.AsyncClient(endpoint=endpoint, timeout=10) as client:
        try:
            created = await client.call("CreateInstanceToken", {
                "RegistryId": registry, "TokenType": "longterm", "Desc": "made by lifecycle.py"})
            token_id = created["TokenId"]
            print("created ", token_id, "RequestId", created["RequestId"])
            disabled = await client.modify_instance_token(registry, token_id, enable=False)
            print("disabled", token_id, "RequestId", disabled.request_id)
            listed = await client.call("DescribeInstanceToken", {"RegistryId": registry})
            for token in listed["Tokens"]:
                print("listed  ", token["Id"], "enabled" if token["Enabled"] else "disabled", repr(token["Desc"]))
            deleted = await client.call("DeleteInstanceToken", {"RegistryId": registry, "TokenId": token_id})
            print("deleted ", token_id, "RequestId", deleted["RequestId"])
        except tcr.TcrError as error:
            print(error, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) == 3 else None)))
