# Sourced by the mutation tests (tests/mutations/run_mutations.sh,
# tests/fuzz/mutations/run_fuzz_mutations.sh): a scratch copy of the repository that a patch may
# break, kept between runs so that its build stays incremental.

# Brings TREE up to date with the tracked files of SOURCE (as they are in its working tree): only
# files whose content differs are copied (with a new mtime), so an existing build never trusts an
# object built from other text.
sync_scratch_tree() {
  local source=$1 tree=$2
  mkdir -p "$tree"
  (cd "$source" && git ls-files -z --cached) |
    while IFS= read -r -d '' f; do
      if ! cmp -s "$source/$f" "$tree/$f"; then
        mkdir -p "$(dirname "$tree/$f")"
        cp "$source/$f" "$tree/$f"
      fi
    done
}

# The files a patch changes, one per line (its "+++ b/..." lines).
patched_files() {
  grep -E '^\+\+\+ ' "$1" | sed -E 's#^\+\+\+ [ab]/##; s#\t.*##'
}

# Puts the pristine copies of PATCH's files back into TREE, with a new mtime so that the next build
# recompiles them.
unpatch_scratch_tree() {
  local source=$1 tree=$2 patch=$3 f
  for f in $(patched_files "$patch"); do
    cp "$source/$f" "$tree/$f"
    touch "$tree/$f"
  done
}
