namespace Homework.Experiments.Sharding;

/// <summary>
/// A sharded run's plan as every part-run records it in its <c>run.json</c>: which units there
/// are and which shard trains each. Every part carries the whole plan, so the merge step needs
/// nothing but the part-runs to tell a missing shard from a duplicate, or a part of another
/// sharded run (another shard count, selection or config) from one of this one.
/// </summary>
/// <param name="Id">First 12 hex digits of the SHA-256 of the profile, selection, shard count and units (see <see cref="ShardPlan.Id"/>).</param>
/// <param name="Selection">What <c>run</c> was given: <c>all</c> or one experiment's name.</param>
/// <param name="Shards">The <c>n</c> of <c>--shard i/n</c>.</param>
/// <param name="Units">Every unit of the run, in catalog order.</param>
public sealed record PlanRecord(string Id, string Selection, int Shards, PlannedUnit[] Units);

/// <summary>One unit of a plan.</summary>
/// <param name="Unit"><c>mnist-cnn/cnn-1</c> for a part, <c>function-fitting</c> for a whole experiment.</param>
/// <param name="Shard">The shard that trains it, 1 to n.</param>
/// <param name="Config">The hash of the whole experiment's config (<see cref="Core.ConfigIdentity.Hash"/>), so plans of other configs differ.</param>
/// <param name="EstimatedSeconds">The cost estimate the plan balanced by, for reading.</param>
public sealed record PlannedUnit(string Unit, int Shard, string Config, double EstimatedSeconds);

/// <summary>What makes a run folder a part-run (<c>run.json</c>'s <c>part</c>): its unit, its shard and the plan.</summary>
public sealed record PartRecord(string Unit, int Shard, PlanRecord Plan);

/// <summary>
/// What a merged run's <c>run.json</c> records about where it came from (its <c>sharded</c>
/// field): the plan, and every part with its shard, machine and time.
/// </summary>
/// <param name="Plan">The plan's id.</param>
/// <param name="Shards">How many shards the plan had.</param>
/// <param name="Parts">This experiment's part-runs, in the order of the plan.</param>
public sealed record ShardedRecord(string Plan, int Shards, MergedPart[] Parts);

/// <summary>One part-run a merged run came from.</summary>
/// <param name="Numerics">The id of its numerics fingerprint (null when it recorded none).</param>
public sealed record MergedPart(string Unit, int Shard, DateTimeOffset Finished, double Seconds, string Machine, string? Numerics);
