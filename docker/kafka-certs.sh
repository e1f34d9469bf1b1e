#!/usr/bin/env bash
# Makes the TLS material of the compose Kafka cluster once, into the folder given (a volume):
#   ca.pem                    the CA certificate clients trust (KAFKA_SSL_CA_FILE)
#   kafka.keystore.p12        the brokers' key and certificate (SAN: kafka-1..3 and localhost), signed by the CA
#   kafka.truststore.p12      the CA, for the brokers' own connections to each other
#   keystore_creds, key_creds, truststore_creds   the store password, as the apache/kafka image reads it
# Only keytool is needed (every JRE has it). The CA's key stays in ca.p12 in the same folder.
set -euo pipefail
dir="${1:?usage: kafka-certs.sh DIR}"
password="${KAFKA_TLS_PASSWORD:?KAFKA_TLS_PASSWORD must be set (the password of the key stores)}"
cd "$dir"
if [[ -s kafka.keystore.p12 && -s ca.pem ]]; then
  echo "TLS material already in $dir"
  exit 0
fi
rm -f ca.p12 ca.pem kafka.keystore.p12 kafka.truststore.p12 kafka.csr kafka.pem
san="SAN=dns:kafka-1,dns:kafka-2,dns:kafka-3,dns:localhost,ip:127.0.0.1"
store=(-storetype PKCS12 -storepass "$password")

keytool -genkeypair -alias ca -dname "CN=sensorwatch Kafka CA" -keyalg RSA -keysize 3072 -validity 3650 \
  -ext bc:c -keystore ca.p12 "${store[@]}"
keytool -exportcert -rfc -alias ca -keystore ca.p12 "${store[@]}" -file ca.pem

keytool -genkeypair -alias kafka -dname "CN=kafka" -keyalg RSA -keysize 2048 -validity 825 \
  -ext "$san" -keystore kafka.keystore.p12 "${store[@]}"
keytool -certreq -alias kafka -keystore kafka.keystore.p12 "${store[@]}" -file kafka.csr
keytool -gencert -rfc -alias ca -keystore ca.p12 "${store[@]}" -infile kafka.csr -outfile kafka.pem \
  -validity 825 -ext "$san" -ext ku:c=digitalSignature,keyEncipherment -ext eku=serverAuth,clientAuth
# The chain: the CA first, then the signed certificate replaces the self-signed one under the same alias.
keytool -importcert -noprompt -alias ca -file ca.pem -keystore kafka.keystore.p12 "${store[@]}"
keytool -importcert -noprompt -alias kafka -file kafka.pem -keystore kafka.keystore.p12 "${store[@]}"
keytool -importcert -noprompt -alias ca -file ca.pem -keystore kafka.truststore.p12 "${store[@]}"

for creds in keystore_creds key_creds truststore_creds; do printf '%s' "$password" > "$creds"; done
rm -f kafka.csr kafka.pem
# The brokers run as the image's unprivileged user: they must read everything but the CA's key.
chmod 644 ca.pem kafka.keystore.p12 kafka.truststore.p12 keystore_creds key_creds truststore_creds
chmod 600 ca.p12
echo "TLS material made in $dir"
