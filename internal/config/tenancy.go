package config

// VPC instance tenancies, as EC2 names them.
const (
	// TenancyDedicated puts every instance launched into the VPC on single-tenant hardware.
	TenancyDedicated = "dedicated"
	// TenancyDefault lets each instance choose; ours still choose dedicated.
	TenancyDefault = "default"
)

// vpcTenancy reads sce:vpcTenancy. The two values are each tied to omopEnabled: Amazon Redshift refuses
// to launch a cluster into a dedicated-tenancy VPC ("Launching clusters and Serverless workgroups into
// dedicated tenancy VPCs isn't supported", Redshift Management Guide, managing-clusters-vpc.html), so a
// stack with Redshift must say default; and a stack without Redshift has no reason to give up the
// VPC-wide guarantee the seed asks for, so default is refused there.
func (r *reader) vpcTenancy(omopEnabled bool) string {
	v := r.value(KeyVPCTenancy)
	switch {
	case v != TenancyDedicated && v != TenancyDefault:
		r.ps.add(full(KeyVPCTenancy), v, "is not a VPC tenancy; accepted: %s or %s", TenancyDedicated, TenancyDefault)
	case v == TenancyDedicated && omopEnabled:
		r.ps.add(full(KeyVPCTenancy), v, "cannot hold Amazon Redshift, which %s enables: Redshift refuses to launch a cluster into a "+
			"dedicated-tenancy VPC (Redshift Management Guide, \"Redshift resources in a VPC\"); accepted with omopEnabled: %s "+
			"(every instance still asks for dedicated tenancy, and the policy pack and the AWS Config rule desired-instance-tenancy hold them to it)",
			full(KeyOMOPEnabled), TenancyDefault)
	case v == TenancyDefault && !omopEnabled:
		r.ps.add(full(KeyVPCTenancy), v, "gives up the VPC-wide dedicated tenancy the seed requires, and nothing in this stack needs it "+
			"(only Amazon Redshift, %s, does); accepted without omopEnabled: %s", full(KeyOMOPEnabled), TenancyDedicated)
	}
	return v
}
