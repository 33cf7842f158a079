# Parses a Prometheus text exposition with the official Python client's parser and prints one line
# per sample: family name, family type, sample name, sorted label names (tab separated).
import sys
from prometheus_client.parser import text_string_to_metric_families

for family in text_string_to_metric_families(sys.stdin.read()):
    for sample in family.samples:
        print("\t".join([family.name, family.type, sample.name, ",".join(sorted(sample.labels.keys()))]))
