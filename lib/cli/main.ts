// The vpcheck command line: one subcommand per job, each a thin caller of lib/.
// Each command's module is imported when that command runs, so `--version`, `validate` and `plan`
// never load the cluster client, ssh2 or the lab's process code (a start-up cost users feel).
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { EXIT, processIo, type Io } from './io.ts';
import { natSiteMisplaced } from './nat-site.ts';
import { DEFAULT_IMAGE, DEFAULT_POD_IMAGE } from '../targets/images.ts';
import pkg from '../../package.json' with { type: 'json' };
import type { TargetOptions } from '../targets/index.ts';
import { TRANSPORTS, type TargetKind } from '../targets/target.ts';

export async function main(argv: string[], io: Io = processIo): Promise<number> {
  let code: number = EXIT.ok;
  const program = new Command('vpcheck')
    .description('End-to-end connectivity tests for VPC networking on Harvester and Kube-OVN')
    .version(pkg.version)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText(
      'after',
      `
Exit codes: 0 all cells pass, 1 some cell failed, 2 invalid topology or command line,
3 the target could not be reached or built.

Start with:  vpcheck validate topologies/*.yaml   then   vpcheck plan topologies/vpc-peering-example1.yaml`,
    );

  program
    .command('validate')
    .description('check topology files: errors (exit 2) and warnings (exit 0 unless --strict)')
    .argument('<files...>', 'topology files')
    .option('--strict', 'treat warnings as errors')
    .option('--json', 'machine-readable result on stdout')
    .addHelpText(
      'after',
      `
Example:
  $ vpcheck validate topologies/vpc-peering-example2.yaml
  topologies/vpc-peering-example2.yaml:21:9: warning: vpcs[0].staticRoutes[0].cidr: route 20.0.0.0/16 via 169.254.0.2 does not cover vpcpeer-2's subnet subnet2 (20.1.0.0/24); ...
  topologies/vpc-peering-example2.yaml: valid (4 warnings)`,
    )
    .action(async (files: string[], opts) => {
      const { validateCommand } = await import('./validate.ts');
      code = await validateCommand(files, opts, io);
    });

  program
    .command('plan')
    .description('print the expected matrix of every phase, with a reason for each cell that is not reachable')
    .argument('<file>', 'topology file')
    .option('--phase <name>', 'only this phase ("initial" or a phase name)')
    .option('--json', 'machine-readable cells with reasons')
    .addOption(targetOption())
    .option('--internet-ip <ip>', 'address of "internet" (default: 192.0.2.1 on the lab, 8.8.8.8 on clusters)')
    .addHelpText(
      'after',
      `
Example:
  $ vpcheck plan topologies/nat-outgoing.yaml --phase "natOutgoing on"
  Rows are sources, columns destinations then the internet; . reachable, x timeout,
  u network-unreachable, r refused. Grids wider than 40 columns are summarised per subnet.`,
    )
    .action(async (file: string, opts) => {
      const { planCommand } = await import('./plan.ts');
      code = await planCommand(file, opts, io);
    });

  program
    .command('explain')
    .description('show one probe hop by hop (VM routes, switch ACLs, router decisions, peering, reply path)')
    .argument('<file>', 'topology file')
    .requiredOption('--from <vm>', 'source VM')
    .requiredOption('--to <dest>', 'a VM, an IPv4 address, or "internet"')
    .option('--port <n>', 'explain a tcp probe to this port (bulk: the echo port)', port)
    .addOption(new Option('--probe <kind>', 'probe kind (default: tcp with --port, else icmp)').choices(['icmp', 'tcp', 'mtu', 'bulk']))
    .option('--size <bytes>', 'mtu: ICMP payload of the Don\'t-Fragment ping (default 1472)', count)
    .option('--megabytes <n>', 'bulk: MiB through the echo service (default 10)', count)
    .option('--phase <name>', 'phase to explain (default: initial)')
    .addOption(targetOption())
    .option('--internet-ip <ip>', 'address of "internet"')
    .addHelpText(
      'after',
      `
Example:
  $ vpcheck explain topologies/vpc-peering-example2.yaml --from vm1-vpcpeer1 --to vm1-vpcpeer2
  verdict: timeout (NO_ROUTE)
  reason: vpcpeer-1 has no route to 20.1.0.2 (route 20.0.0.0/16 via 169.254.0.2 does not cover it)
  $ vpcheck explain topologies/x.yaml --from vm-a --to vm-b --probe mtu --size 1472
  $ vpcheck explain topologies/x.yaml --from vm-a --to vm-b --probe bulk --port 5201 --megabytes 10`,
    )
    .action(async (file: string, opts) => {
      const { explainCommand } = await import('./explain.ts');
      code = await explainCommand(file, opts, io);
    });

  program
    .command('run')
    .description('build topologies on a target, log in to every VM, probe, and compare with the model')
    .argument('<files...>', 'topology files')
    .addOption(targetOption('where to build'))
    .addOption(new Option('--transport <kind>', 'how to reach the VMs: console (the default), ssh (lab: the VM\'s own sshd; harvester: through --ssh-jump, else KubeVirt port-forward to the first NIC), exec (the default and only one on kubeovn, whose pods have no console)').choices(['console', 'ssh', 'exec']))
    .option('--ssh-jump <[user@]host[:port]>', 'harvester, --transport ssh: reach each VM\'s address through this SSH jump host (as ssh -J), e.g. a VM with a NIC on the VPC and one the runner can reach')
    .option('--ssh-jump-identity <file>', 'private key for the jump host (default: ssh-agent, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa)')
    .option('--ssh-jump-known-hosts <file>', 'known_hosts that must list the jump host\'s key (default: ~/.ssh/known_hosts; never written)')
    .option('--external-host <[user@]host[:port]>', 'harvester, kubeovn: a host on the external network that probes "from: external" run on, over SSH (the lab uses its upstream host); without it those cells are not run')
    .option('--external-host-identity <file>', 'private key for the external host (default: ssh-agent, else ~/.ssh/id_ed25519, id_ecdsa, id_rsa)')
    .option('--external-host-known-hosts <file>', 'known_hosts that must list the external host\'s key (default: ~/.ssh/known_hosts; never written)')
    .option('--json <file>', 'write the JSON result (an array for several topologies)')
    .option('--html <file>', 'write a self-contained HTML report (matrix, topology diagram, details)')
    .option('--junit <file>', 'write JUnit XML: one testsuite per phase, one testcase per cell')
    .option('--keep', 'leave the topology up for debugging and print how to reach each VM')
    .option('--phase <name>', 'build that phase\'s topology directly and probe only it')
    .option('--concurrency <n>', 'source VMs probed at once', count, 16)
    .option('--retries <n>', 'extra tries for a cell that differs from the model', count, 2)
    .addHelpText(
      'after',
      `
Example:
  $ vpcheck run topologies/nat-outgoing.yaml --json reports/nat.json
  nat-outgoing — phase initial: 1/1 cells pass (1.2 s)
  ...
  nat-outgoing: 3 passed, 0 failed — run nat-outgoing-3f9a1c on lab over console

A failing cell prints the model's reason, the lab's evidence (ovn-trace, routes) and the
command that reproduces it in the VM's console. Ctrl-C tears everything down (exit 130).`,
    )
    .action(async (files: string[], opts) => {
      const offered = TRANSPORTS[opts.target as TargetKind];
      opts.transport ??= offered[0];
      // Say so before anything is built.
      if (!offered.includes(opts.transport)) {
        io.err(`run: --target ${opts.target} reaches its VMs with --transport ${offered.join(' or ')} only (not ${opts.transport})`);
        code = EXIT.invalid;
        return;
      }
      if (opts.sshJump && (opts.target !== 'harvester' || opts.transport !== 'ssh')) {
        io.err(`run: --ssh-jump is for --target harvester --transport ssh (the lab reaches its VMs' sshd directly)`);
        code = EXIT.invalid;
        return;
      }
      const natMisplaced = natSiteMisplaced(opts);
      if (natMisplaced) {
        io.err(`run: ${natMisplaced}`);
        code = EXIT.invalid;
        return;
      }
      if (opts.externalHost && opts.target === 'lab') {
        io.err(`run: --external-host is for cluster targets (the lab's external host is its own upstream host)`);
        code = EXIT.invalid;
        return;
      }
      const { SshJumpFlagError, sshJumpOptions: sshJumpOptionsOf, externalHostOptions: externalHostOptionsOf } = await import('../sessions/ssh-jump-flags.ts');
      let sshJumpOptions;
      let externalHostOptions;
      try {
        sshJumpOptions = sshJumpOptionsOf(opts);
        externalHostOptions = externalHostOptionsOf(opts);
      } catch (err) {
        if (!(err instanceof SshJumpFlagError)) throw err;
        io.err(`run: ${err.message}`);
        code = EXIT.invalid;
        return;
      }
      const { runCommand } = await import('./run.ts');
      code = await runCommand(files, { ...opts, ...(sshJumpOptions && { sshJumpOptions }), ...(externalHostOptions && { externalHostOptions }) }, io);
    });
  withClusterOptions(program.commands.at(-1)!);

  program
    .command('down')
    .description('remove what a run left behind (after kill -9, or a run kept with --keep)')
    .option('--run <id>', 'one run, by the id run printed')
    .option('--all', 'every run no live process owns')
    .addOption(targetOption('where the runs live'))
    .addHelpText('after', `
Example:
  $ vpcheck down --all
  removed 1 run: vpc-peering-3f9a1c`)
    .action(async (opts: { run?: string; all?: boolean } & TargetOptions) => {
      const [{ downCommand }, { targetOf }] = await Promise.all([import('./down.ts'), import('../targets/index.ts')]);
      code = await downCommand(opts, io, targetOf(opts));
    });
  withClusterOptions(program.commands.at(-1)!);

  program
    .command('report')
    .description('render a saved JSON result again: terminal text, or HTML and JUnit files')
    .argument('<result>', 'a JSON result written by run --json (one run or an array)')
    .option('--html <file>', 'write a self-contained HTML report')
    .option('--junit <file>', 'write JUnit XML')
    .addHelpText('after', `
Example:
  $ vpcheck report reports/nat.json --html reports/nat.html --junit reports/nat.xml
  HTML report written to reports/nat.html
Without --html or --junit it prints the run as \`vpcheck run\` did. Secrets are redacted.`)
    .action(async (file: string, opts: { html?: string; junit?: string }) => {
      const { reportCommand } = await import('./report.ts');
      code = await reportCommand(file, opts, io);
    });

  program
    .command('diff')
    .description('cells that changed between two saved runs; exit 1 when a cell that passed now fails')
    .argument('<old>', 'the earlier JSON result')
    .argument('<new>', 'the later JSON result')
    .option('--html <file>', 'also write the diff as a self-contained HTML page')
    .option('--json', 'machine-readable diff on stdout')
    .addHelpText('after', `
Example:
  $ vpcheck diff reports/nightly-1.json reports/nightly-2.json
  nat-outgoing — phase natOutgoing on:
    REGRESSION vm1 -> internet icmp: reachable -> timeout (was passing in run nat-outgoing-3f9a1c)
Cells are matched by topology, phase, source, destination, probe and port; added and removed
cells, VMs and phases are listed too.`)
    .action(async (oldFile: string, newFile: string, opts: { html?: string; json?: boolean }) => {
      const { diffCommand } = await import('./diff.ts');
      code = await diffCommand(oldFile, newFile, opts, io);
    });

  program
    .command('render')
    .description('print the objects a cluster target would create for a topology (Harvester: YAML for kubectl apply)')
    .argument('<file>', 'topology file')
    .addOption(new Option('--target <kind>', 'which objects').choices(['harvester', 'kubeovn']).makeOptionMandatory())
    .option('--phase <name>', 'render that phase\'s topology (default: initial)')
    .option('--run-id <id>', 'the run id that prefixes names and labels the objects', 'render')
    .option('--namespace <ns>', 'namespace of the VMs and their cloud-init Secrets', 'default')
    .option('--image <image>', `harvester: KubeVirt containerDisk image (${DEFAULT_IMAGE}); kubeovn: pod image (${DEFAULT_POD_IMAGE})`)
    .option('--kube-ovn-primary', 'kubeovn: pods on Kube-OVN as the primary CNI (no NADs)');
  natSiteOptions(program.commands.at(-1)!)
    .addHelpText('after', `
Example:
  $ vpcheck render topologies/vpc-peering-example1.yaml --target harvester > peering.yaml
  $ kubectl apply -f peering.yaml        # after creating each VM's cloud-init Secret`)
    .action(async (file: string, opts) => {
      const { renderCommand } = await import('./render.ts');
      code = await renderCommand(file, opts, io);
    });

  program
    .command('import')
    .description('turn a customer\'s exported objects into a topology file that reproduces their situation')
    .argument('<file>', 'output of `kubectl get vpc,subnet,security-group,network-attachment-definitions,vm -A -o yaml` (- for stdin)')
    .option('--namespace <ns>', 'only the VMs of this namespace')
    .addOption(new Option('--platform <platform>', 'documented behaviour the model expects').choices(['harvester', 'kube-ovn']).default('harvester'))
    .option('--name <name>', 'topology name (default: the vpcheck/topology label, else "imported")')
    .option('-o, --out <file>', 'write the topology to a file instead of stdout')
    .addHelpText('after', `
Example:
  $ kubectl get vpc,subnet,security-group,network-attachment-definitions,vm -A -o yaml > customer.yaml
  $ vpcheck import customer.yaml -o customer-topology.yaml && vpcheck plan customer-topology.yaml
What cannot be mapped is printed as a warning and kept as a comment; Secrets and status are dropped.`)
    .action(async (file: string, opts) => {
      const { importCommand } = await import('./import.ts');
      code = await importCommand(file, opts, io);
    });

  program
    .command('schema')
    .description('print the JSON Schema of topology files (for yaml-language-server and editors)')
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .addHelpText('after', `
Example: point an editor at it with a first line
  # yaml-language-server: $schema=../schema/topology-v1.json`)
    .action(async (opts: { out?: string }) => {
      const [{ jsonSchema }, { writeFile }] = await Promise.all([import('../topology/schema.ts'), import('node:fs/promises')]);
      const text = `${JSON.stringify(jsonSchema(), null, 2)}\n`;
      if (opts.out) await writeFile(opts.out, text);
      else io.out(text);
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? EXIT.ok : EXIT.invalid;
    }
    throw e;
  }
  return code;
}

/** How `--target harvester|kubeovn` reaches its cluster (ignored by the lab). */
function withClusterOptions(command: Command): void {
  command
    .option('--kubeconfig <file>', 'cluster: kubeconfig (default: $KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'cluster: kubeconfig context')
    .option('--namespace <ns>', 'cluster: namespace of the VMs (harvester default: default; kubeovn default: one per run)')
    .option('--image <image>', `harvester: containerDisk image of a cloud image with cloud-init (${DEFAULT_IMAGE}); kubeovn: pod image with sh, iproute2, ping, socat (${DEFAULT_POD_IMAGE})`)
    .option('--kube-ovn-primary', 'kubeovn: Kube-OVN is the primary CNI (pods attach with ovn.kubernetes.io/* annotations, no NADs)')
    .option('--internet-ip <ip>', 'address of "internet" (default: 192.0.2.1 on the lab, 8.8.8.8 on a cluster)');
  natSiteOptions(command);
}

/** Site facts of a VPC NAT gateway's external network that no topology holds (used only when it has natGateways). */
function natSiteOptions(command: Command): Command {
  return command
    .option('--external-nic <nic>', 'NAT gateways: the node NIC that reaches the external network (kubeovn: the macvlan master, default eth1 as in the Kube-OVN docs; harvester: the ProviderNetwork\'s defaultInterface and the NAD\'s master, default eno50 as on Harvester v1.8\'s page)')
    .option('--external-vlan <id>', 'NAT gateways, harvester: VLAN id of the external network\'s underlay (Kube-OVN Vlan spec.id; default 0, untagged)', vlanId)
    .option('--nat-gateway-image <image>', 'NAT gateways, kubeovn: the image written into kube-system/ovn-vpc-nat-config when the cluster has none (default docker.io/kubeovn/vpc-nat-gateway:v1.15.0, Harvester v1.8\'s)');
}

function targetOption(description = 'where the topology runs'): Option {
  return new Option('--target <kind>', description).choices(Object.keys(TRANSPORTS)).default('lab');
}

function vlanId(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 4095) throw new InvalidArgumentError('a VLAN id, 0 to 4095');
  return n;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('a whole number, 0 or more');
  return n;
}

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('a port is a whole number from 1 to 65535');
  return n;
}
