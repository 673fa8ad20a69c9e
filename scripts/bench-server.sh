# shellcheck shell=bash
# Sourced by scripts/bench.sh and scripts/bench-verify.sh: the one local S3
# server a benchmark run talks to, on loopback.
#   server_keys KIND       sets ak and sk for KIND (s3s-fs or garage; Garage
#                          has key formats of its own: GK and 24 hex digits,
#                          a 64-digit secret)
#   start_server KIND ROOT LOGS BUCKET PORT
#                          s3s-fs serves ROOT, BUCKET a folder in it; Garage
#                          runs one node with its metadata and data in ROOT,
#                          region us-east-1 like the others, no compression
#                          (its default zstd would be the server's work, not
#                          the client's), BUCKET and one key (ak, sk) with
#                          every right on it. Sets server_pid (the caller
#                          stops it); its output goes to LOGS/KIND.log.
# The caller sets s3s_fs and garage, the servers' binaries.

wait_port() { # PORT: wait (at most 10 s) until it accepts connections
  for _ in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $1), 0.2)" 2>/dev/null && return 0
    sleep 0.1
  done
}

server_keys() {
  if [ "$1" = garage ]; then
    ak=GK0123456789abcdef01234567
    sk=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
  else
    ak=bench-access-key
    sk=bench-secret-key-0123456789
  fi
}

start_server() {
  local kind=$1 root=$2 logs=$3 bucket=$4 port=$5
  if [ "$kind" = garage ]; then
    local rpc node=""
    rpc=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    cat > "$root/garage.toml" <<TOML
metadata_dir = "$root/meta"
data_dir = "$root/data"
db_engine = "sqlite"
replication_factor = 1
compression_level = "none"
rpc_bind_addr = "127.0.0.1:$rpc"
rpc_public_addr = "127.0.0.1:$rpc"
rpc_secret = "$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
[s3_api]
s3_region = "us-east-1"
api_bind_addr = "127.0.0.1:$port"
root_domain = ".s3.garage.localhost"
TOML
    RUST_LOG=warn "$garage" -c "$root/garage.toml" server > "$logs/garage.log" 2>&1 &
    server_pid=$!
    wait_port "$port"
    for _ in $(seq 100); do
      node=$("$garage" -c "$root/garage.toml" node id -q 2>/dev/null | cut -d@ -f1) && [ -n "$node" ] && break
      sleep 0.1
    done
    "$garage" -c "$root/garage.toml" layout assign -z dc1 -c 10G "$node" > /dev/null
    "$garage" -c "$root/garage.toml" layout apply --version 1 > /dev/null
    "$garage" -c "$root/garage.toml" bucket create "$bucket" > /dev/null
    "$garage" -c "$root/garage.toml" key import -n bench --yes "$ak" "$sk" > /dev/null
    "$garage" -c "$root/garage.toml" bucket allow --read --write --owner "$bucket" --key bench > /dev/null
  else
    mkdir -p "$root/$bucket"
    "$s3s_fs" --host 127.0.0.1 --port "$port" --access-key "$ak" --secret-key "$sk" --domain "localhost:$port" "$root" \
      > "$logs/s3s-fs.log" 2>&1 &
    server_pid=$!
    wait_port "$port"
  fi
}
