#!/bin/sh
# Makes the secret files docker-compose.yml mounts (docs/operations.md, "Deploying"): a
# password per PostgreSQL server, Redis's, RabbitMQ's and Kafka's users', Kafka's TLS
# certificate, and the files built from them (the app's URLs, PgBouncer's user list,
# RabbitMQ's definitions, Kafka's settings). A password file that exists is
# kept, so running it again rebuilds the derived files and changes no password; to rotate one,
# change the server's password first, then write the new one to its file and run this again.
#
#   deploy/compose/make-secrets.sh [directory]      (default: ./secrets, which git ignores)
#
# The directory is the host owner's alone (0700); the files in it are readable (0644) because
# the containers read them as their own users (postgres, redis, rabbitmq, the app's).
# A file holds its value with no trailing newline: the app reads it whole (<VAR>_FILE).
set -eu

dir=${1:-secrets}
umask 077
mkdir -p "$dir"
chmod 0700 "$dir"

# database (its name is autosalon_<database>, its role too) and the compose service serving it
DATABASES="accounts:auth_db catalog:catalog_db orders:order_db payments:payment_db
financing:financing_db insurance:insurance_db showroom:showroom_db crm:crm_db
integrations:integrations_db documents:documents_db
notifications:notifications_db
tradein:tradein_db
service:service_db
onec:onec_db"

password() {
	# 32 letters and digits: nothing that needs escaping in a URL, a config file or a shell.
	LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32
}

# Writes $2 (no trailing newline) to the file $1 in the directory, readable by the containers.
put() {
	printf '%s' "$2" >"$dir/$1.tmp"
	chmod 0644 "$dir/$1.tmp"
	mv "$dir/$1.tmp" "$dir/$1"
}

# The password in the file $1, made first when the file does not exist.
kept_password() {
	[ -s "$dir/$1" ] || put "$1" "$(password)"
	cat "$dir/$1"
}

userlist=""
for entry in $DATABASES; do
	database=${entry%%:*}
	service=${entry#*:}
	role="autosalon_$database"
	secret=$(kept_password "postgres_password_$database")
	# Through PgBouncer (transaction pooling), and straight to the server for the relay's
	# LISTEN and the migrations (docs/operations.md, "Connections").
	put "database_url_$database" "postgres://$role:$secret@pgbouncer:6432/$role"
	put "database_direct_url_$database" "postgres://$role:$secret@$service:5432/$role"
	# PgBouncer checks the client's password against this list (SCRAM) and logs in to the
	# server with the same one, so it holds the plain password.
	userlist="$userlist\"$role\" \"$secret\"
"
done
put pgbouncer_userlist "$userlist"

secret=$(kept_password redis_password)
put redis_url "redis://:$secret@redis:6379/0"

# RabbitMQ: the Celery broker and the partners' events in virtual hosts of their own, each
# with a user of its own, and an administrator with neither (rabbitmq_definitions.py).
admin=$(kept_password rabbitmq_admin_password)
celery=$(kept_password rabbitmq_celery_password)
events=$(kept_password rabbitmq_events_password)
put celery_broker_url "amqp://autosalon_celery:$celery@rabbitmq:5672/celery"
put events_amqp_url "amqp://autosalon_events:$events@rabbitmq:5672/events"
# RabbitMQ loads them at every start, a changed password included; with definitions loaded it
# makes no default user (no guest).
put rabbitmq_definitions "$(python3 "$(dirname "$0")/rabbitmq_definitions.py" definitions "$admin" "$celery" "$events")"
put rabbitmq_conf "load_definitions = /etc/rabbitmq/definitions.json
"

# The keys that sign each event the relay hands to the workers, comma-separated, the first
# signing (docs/events.md, "Signed hand-over"): mounted by the relay and the workers only. To
# rotate, put a new key first and keep the old one after it until the queues have drained.
[ -s "$dir/events_signing_keys" ] || put events_signing_keys "$(password)$(password)"

# Kafka over TLS (docs/events.md, "Kafka: TLS and SASL"): a certificate for `kafka` from an
# authority of this deployment's own, which the clients trust (kafka_ca; its key stays here,
# mounted nowhere), and the app's user (SASL PLAIN, inside TLS). Made once and kept, like the
# passwords; to renew the broker's certificate, delete kafka_keystore and run this again.
if [ ! -s "$dir/kafka_ca" ] || [ ! -s "$dir/kafka_ca_key" ]; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
		-subj "/CN=Autosalon Kafka CA" -keyout "$dir/kafka_ca_key" -out "$dir/kafka_ca" 2>/dev/null
	rm -f "$dir/kafka_keystore"
fi
if [ ! -s "$dir/kafka_keystore" ]; then
	# The broker's key (PKCS#8, as Kafka's PEM key store reads it) and its certificate, in one file.
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/kafka_key.tmp"
	printf 'subjectAltName=DNS:kafka\nextendedKeyUsage=serverAuth\n' >"$dir/kafka_ext.tmp"
	openssl req -new -key "$dir/kafka_key.tmp" -subj "/CN=kafka" |
		openssl x509 -req -CA "$dir/kafka_ca" -CAkey "$dir/kafka_ca_key" -CAcreateserial \
			-CAserial "$dir/kafka_ca.srl.tmp" -days 825 -extfile "$dir/kafka_ext.tmp" \
			-out "$dir/kafka_cert.tmp" 2>/dev/null
	cat "$dir/kafka_key.tmp" "$dir/kafka_cert.tmp" >"$dir/kafka_keystore"
	rm -f "$dir/kafka_key.tmp" "$dir/kafka_cert.tmp" "$dir/kafka_ext.tmp" "$dir/kafka_ca.srl.tmp"
fi
chmod 0644 "$dir/kafka_ca" "$dir/kafka_ca_key" "$dir/kafka_keystore"
kafka=$(kept_password kafka_app_password)
# The image's file input (/mnt/shared/config/server.properties). Only `autosalon` may do
# anything on the clients' listener; the loopback's (the controller, the broker's own
# requests, the health check) is ANONYMOUS, and reaches nothing outside the container. A
# partner gets a user of its own here and a read-only rule (docs/events.md).
put kafka_server_properties "ssl.keystore.type=PEM
ssl.keystore.location=/run/secrets/kafka_keystore
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_autosalon=\"$kafka\";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:autosalon;User:ANONYMOUS
"

echo "secrets in $dir/: $(ls "$dir" | wc -l) files"
