SELECT 1 FROM venue.venues WHERE organization_id = %(organization_id)s AND slug = %(slug)s
