SELECT organization_id FROM venue.organizations WHERE slug = %(slug)s
