"""Writes a throwaway TUF trust root (and a targets file, which is not one) made by python-tuf:
one new Ed25519 key for every role, expiring in 2031. For the tests that provision a node and
need an update trust root to install; the update repositories themselves come from motectl.
    python3 scripts/lib/tuf_root.py ROOT.json [TARGETS.json]"""
import sys
from datetime import datetime, timezone

from securesystemslib.signer import CryptoSigner
from tuf.api.metadata import Metadata, Root, Targets
from tuf.api.serialization.json import JSONSerializer

expires = datetime(2031, 1, 1, tzinfo=timezone.utc)
signer = CryptoSigner.generate_ed25519()
root = Root(expires=expires)
for role in ("root", "targets", "snapshot", "timestamp"):
    root.add_key(signer.public_key, role)
documents = [(sys.argv[1], root)]
if len(sys.argv) > 2:
    documents.append((sys.argv[2], Targets(expires=expires)))
for path, signed in documents:
    metadata = Metadata(signed)
    metadata.sign(signer)
    metadata.to_file(path, JSONSerializer(compact=False))
