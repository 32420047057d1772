#!/bin/sh
# Creates the topics of Candor's contract (DESIGN.md "Contracts"); idempotent. Runs in apache/kafka.
set -eu
BOOTSTRAP="${BOOTSTRAP_SERVER:-kafka:19092}"
PARTITIONS="${ATS_EVENTS_PARTITIONS:-6}"
TOPICS=/opt/kafka/bin/kafka-topics.sh

i=0
until "$TOPICS" --bootstrap-server "$BOOTSTRAP" --list > /dev/null 2>&1; do
  i=$((i + 1))
  [ "$i" -lt 60 ] || { echo "Kafka at $BOOTSTRAP is not reachable" >&2; exit 1; }
  sleep 2
done

create() {
  "$TOPICS" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$1" --partitions "$2" --replication-factor 1
}
create ats.events "$PARTITIONS"
create ats.events.dlq 1
create candor.journey-events "$PARTITIONS"
"$TOPICS" --bootstrap-server "$BOOTSTRAP" --list
