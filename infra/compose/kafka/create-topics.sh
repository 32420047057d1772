#!/bin/sh
# Creates the topics of Candor's contract (DESIGN.md "Contracts"); idempotent. Runs in apache/kafka.
set -eu
BOOTSTRAP="${BOOTSTRAP_SERVER:-kafka:19092}"
PARTITIONS="${ATS_EVENTS_PARTITIONS:-6}"
# Three nodes: every partition on all of them, a write (acks=all) acknowledged once two have it.
REPLICATION="${REPLICATION_FACTOR:-3}"
MIN_ISR="${MIN_INSYNC_REPLICAS:-2}"
TOPICS=/opt/kafka/bin/kafka-topics.sh

i=0
until "$TOPICS" --bootstrap-server "$BOOTSTRAP" --list > /dev/null 2>&1; do
  i=$((i + 1))
  [ "$i" -lt 60 ] || { echo "Kafka at $BOOTSTRAP is not reachable" >&2; exit 1; }
  sleep 2
done

CONFIGS=/opt/kafka/bin/kafka-configs.sh
DAY_MS=86400000

# Retention is set explicitly per topic: ats.events and its dead-letter topic carry candidates' contact
# details, so an erased candidate's raw events age out within this bound (README "Erasure"); segments roll
# daily, since Kafka deletes whole segments only.
create() {
  "$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$1" --partitions "$2" --replication-factor "$REPLICATION" --config "retention.ms=$3" --config "segment.ms=$DAY_MS" --config "min.insync.replicas=$MIN_ISR"
  "$CONFIGS" --bootstrap-server "$BOOTSTRAP" --alter --entity-type topics --entity-name "$1" --add-config "retention.ms=$3,segment.ms=$DAY_MS,min.insync.replicas=$MIN_ISR" > /dev/null
}
create ats.events "$PARTITIONS" $((3 * DAY_MS))
create ats.events.dlq 1 $((7 * DAY_MS))
create candor.journey-events "$PARTITIONS" $((7 * DAY_MS))
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --list
