package cost

// This file prices the network (the NAT gateway) and finds what an instance's price depends on in the
// network: its subnet's VPC and that VPC's tenancy.

import (
	"fmt"

	"github.com/sce-project/sce/internal/plan"
)

// natGateway prices a NAT gateway's hours and the data it processes; it runs all month.
func (e *estimator) natGateway(r plan.Resource) {
	hour, okHour := e.book.found("vpc.nat-gateway-hour")
	gb, okGB := e.book.found("vpc.nat-gateway-gb")
	what := fmt.Sprintf("%s: NAT gateway, %s h + %s GB processed", r.Name, formatNumber(HoursPerMonth), formatNumber(e.a.NATGBPerMonth))
	if !okHour || !okGB {
		e.unpriced(r.URN, what, "no NAT gateway price in the price table")
		return
	}
	usd := hour.USD*HoursPerMonth + gb.USD*e.a.NATGBPerMonth
	e.add(plan.CostItem{URN: r.URN, What: what, Monthly: usd, MonthlyScheduled: usd,
		Note: "its public IPv4 address is the Elastic IP item; internet data transfer out is not estimated"})
}

// vpcTenancy returns the instance tenancy of the VPC of a subnet, or "" if the plan does not say.
func (e *estimator) vpcTenancy(subnetID string) string {
	vpc, ok := e.vpcOf(subnetID)
	if !ok {
		return ""
	}
	return str(vpc.Inputs["instanceTenancy"])
}

// vpcOf returns the VPC of a subnet, given the subnet's id (an instance's or cluster's subnetId input).
func (e *estimator) vpcOf(subnetID string) (plan.Resource, bool) {
	subnet, ok := e.byID(typeSubnet, subnetID)
	if !ok {
		return plan.Resource{}, false
	}
	return e.byID(typeVpc, str(subnet.Inputs["vpcId"]))
}

// byID returns the resource of a type whose id is id: the plan's inputs refer to other resources by id.
func (e *estimator) byID(typ, id string) (plan.Resource, bool) {
	if id == "" {
		return plan.Resource{}, false
	}
	for _, r := range e.p.Resources {
		if r.Type == typ && r.ID == id {
			return r, true
		}
	}
	return plan.Resource{}, false
}
