// A console carries one conversation at a time (and KubeVirt allows one console per VMI), so each
// session runs its commands strictly one after another.

export type Serializer = <T>(task: () => Promise<T>) => Promise<T>;

export function serializer(): Serializer {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const result = tail.then(task, task);
    tail = result.catch(() => undefined);
    return result;
  };
}
