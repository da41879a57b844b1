// Package netflow is the network evaluator of `sce verify`: for one flow (a source, a destination, a
// protocol and a port) it follows the plan's resources the way AWS would carry the packets, and answers
// allowed or denied, with the first element that blocks the flow, in the manner of VPC Reachability
// Analyzer. It is a set of pure functions over the policy engine's view of a stack (engine.Stack), and reads
// security groups, network ACLs and routes through the shared network model (netmodel.SGRule,
// netmodel.ACLEntry, netmodel.Route), so that the policy pack, `sce plan` and `sce verify` judge the same
// network with the same code.
//
// What it follows, with the AWS documentation each part implements:
//
//   - Security groups, stateful: the source's groups must have an outbound rule and the destination's
//     an inbound rule admitting the protocol and port for the peer (a security group, a block, a prefix
//     list); the answers then pass both without a rule. The rules of all groups of a resource are
//     aggregated. Amazon VPC User Guide, "Security group rules",
//     https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html, and "Control traffic to
//     your AWS resources using security groups",
//     https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html.
//   - Network ACLs, stateless: for each subnet boundary the traffic crosses, the ACL's entries of that
//     direction in ascending rule number, the first that matches deciding and the implicit rule "*"
//     denying the rest; the answers cross the same boundaries the other way, to the client's ephemeral
//     ports. Traffic between two addresses of one subnet crosses no boundary: an ACL filters traffic
//     entering and leaving its subnet. "Control subnet traffic with network access control lists",
//     https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html; "Network ACL rules",
//     https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html; "Custom network ACLs" (the rule
//     "*"), https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html; "Ephemeral ports",
//     https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html; "Default network ACL",
//     https://docs.aws.amazon.com/vpc/latest/userguide/default-network-acl.html.
//   - Route tables: the source subnet's table (its association, else the VPC's main table), the local
//     route for the VPC's block, the most specific route for any other destination (longest prefix
//     match), a gateway endpoint's prefix-list route for its service. "Subnet route tables",
//     https://docs.aws.amazon.com/vpc/latest/userguide/subnet-route-tables.html; "Route priority",
//     https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html; "Gateway endpoints",
//     https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html.
//   - Internet and NAT gateways: an internet gateway carries traffic only for addresses with a public
//     IPv4 address (an Elastic IP); a public NAT gateway forwards a private subnet's traffic from its own
//     subnet, whose table must route to an internet gateway, and receives the answers on ports
//     1024-65535. "Enable internet access for a VPC using an internet gateway",
//     https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html; "NAT gateways",
//     https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html.
//   - Where managed services sit: an instance (subnetId, vpcSecurityGroupIds), a launch template
//     (its network interfaces, or the subnets of the auto scaling groups that use it), a Redshift cluster
//     (its subnet group's subnets and vpcSecurityGroupIds), an EMR cluster's primary, core and service
//     access groups (ec2Attributes), with the inbound rules Amazon EMR adds to its managed groups when a
//     cluster starts: Amazon EMR Management Guide, "Working with Amazon EMR-managed security groups",
//     https://docs.aws.amazon.com/emr/latest/ManagementGuide/emr-man-sec-groups.html.
//
// An address block on the internet stands for each public address in it: a flow is allowed when it is
// allowed for all of them, denied when for none, and unknown when a rule or route covers part of the
// block. A resource whose addresses are not in the plan stands for its subnet's block. Answers may be
// dropped on at most ReturnPortTolerance of the client's ephemeral ports (the SCE's ACLs leave out 3389)
// before a flow counts as denied; the verdict names those ports. What the evaluator does not model is
// listed on Network.
package netflow
