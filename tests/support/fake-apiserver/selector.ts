// Label selectors as the API server parses them: "a", "!a", "a=b", "a==b", "a!=b",
// "a in (x,y)", "a notin (x,y)", comma-separated (k8s.io/apimachinery/pkg/labels/selector.go).
export function matchesSelector(labels: Record<string, string>, selector: string): boolean {
  const terms = selector.match(/[^,(]+(\([^)]*\))?/g) ?? [];
  return terms.map((t) => t.trim()).filter(Boolean).every((term) => {
    let m: RegExpExecArray | null;
    if ((m = /^(\S+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term))) {
      const values = m[3]!.split(',').map((v) => v.trim());
      const has = m[1]! in labels && values.includes(labels[m[1]!]!);
      return m[2] === 'in' ? has : !has;
    }
    if ((m = /^(\S+?)\s*!=\s*(\S*)$/.exec(term))) return labels[m[1]!] !== m[2];
    if ((m = /^(\S+?)\s*==?\s*(\S*)$/.exec(term))) return labels[m[1]!] === m[2];
    if (term.startsWith('!')) return !(term.slice(1) in labels);
    return term in labels;
  });
}
