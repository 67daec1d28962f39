#!/bin/bash
# Runs once, when the InfluxDB 2.7 container sets itself up (docker-entrypoint-initdb.d).
# - Shard groups of ten years: monthly figures in 2.x's default 7-day shards cost
#   2.7 GB of server memory for 1M points in our measurements.
# - A DBRP mapping, so the service's InfluxQL on /query reaches the bucket.
set -euo pipefail
bucket_id=$(influx bucket list --name "${DOCKER_INFLUXDB_INIT_BUCKET}" --hide-headers | cut -f1)
influx bucket update --id "${bucket_id}" --shard-group-duration 520w
influx v1 dbrp create --db "${DOCKER_INFLUXDB_INIT_BUCKET}" --rp autogen --bucket-id "${bucket_id}" --default
