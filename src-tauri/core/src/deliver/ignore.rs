//! Name patterns that leave files out of a delivery: the destination's
//! ignore list (`*` any run of characters, `?` one; a trailing `/` matches
//! folders only).

/// `*` matches any run of characters, `?` one character.
pub fn wildcard(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni, mut star, mut mark) = (0, 0, None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

pub fn ignored(patterns: &[String], name: &str, is_dir: bool) -> Option<String> {
    patterns.iter().find_map(|pat| {
        let (pat, dir_only) = match pat.strip_suffix('/') {
            Some(p) => (p, true),
            None => (pat.as_str(), false),
        };
        (wildcard(pat, name) && (is_dir || !dir_only)).then(|| format!("ignored by `{}{}`", pat, if dir_only { "/" } else { "" }))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard("*.tmp", "a.tmp"));
        assert!(wildcard("._*", "._x"));
        assert!(wildcard("?b*", "abc"));
        assert!(!wildcard("*.tmp", "a.tmpx"));
        assert!(wildcard(".DS_Store", ".DS_Store"));
        assert_eq!(ignored(&[".git/".into()], ".git", false), None, "a folder pattern does not match a file");
        assert!(ignored(&[".git/".into()], ".git", true).is_some());
    }
}
